//! `chiso`: the command line over the store, the importers and the analytics
//! engine. A thin shell: it parses arguments, opens the store, calls the
//! libraries and prints their answers as a table, CSV or JSON.

mod commands;
mod output;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "chiso", version, about = "chiso — theo dõi chuyển đổi số của tỉnh bằng số liệu")]
pub struct Cli {
    /// Tệp cơ sở dữ liệu SQLite.
    #[arg(long, global = true, env = "CHISO_DB", default_value = "chiso.db")]
    pub db: PathBuf,
    /// Ngôn ngữ hiển thị (vi: tiếng Việt, en: tiếng Anh).
    #[arg(long, global = true, value_enum, env = "CHISO_LANG", default_value = "vi")]
    pub lang: Lang,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    pub fn t<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        self.core().pick(vi, en)
    }
    pub fn core(self) -> chiso_core::lang::Lang {
        match self {
            Lang::Vi => chiso_core::lang::Lang::Vi,
            Lang::En => chiso_core::lang::Lang::En,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Table,
    Csv,
    Json,
}

#[derive(Args, Clone, Debug)]
pub struct ReadOpts {
    /// Định dạng kết quả: bảng, CSV hoặc JSON.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Ngày làm mốc cho kỳ tương đối và hạn nộp (YYYY-MM-DD; mặc định: hôm nay).
    #[arg(long)]
    pub today: Option<chrono::NaiveDate>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Tạo (hoặc nâng cấp) cơ sở dữ liệu; có thể nạp luôn một tệp siêu dữ liệu.
    Init {
        #[arg(long)]
        metadata: Option<PathBuf>,
    },
    /// Nhập siêu dữ liệu (.yaml/.json), sổ theo dõi (.yaml/.json có projects:, tasks:...; bảng tính
    /// danh mục dự án .xlsx) hoặc số liệu (dataValueSets .json, .csv, bảng tính .xlsx).
    Import {
        file: PathBuf,
        /// Chạy thử: kiểm tra và đếm, không ghi gì.
        #[arg(long)]
        dry_run: bool,
        /// Với siêu dữ liệu và sổ theo dõi: thay toàn bộ thay vì gộp.
        #[arg(long)]
        replace: bool,
    },
    /// Xuất siêu dữ liệu hoặc số liệu.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Truy vấn số liệu: dữ liệu (dx) × kỳ (pe) × đơn vị (ou), cú pháp DHIS2.
    Analytics(AnalyticsArgs),
    /// Chạy quy tắc kiểm tra và liệt kê mọi vi phạm.
    Validate {
        /// Mã quy tắc (cách nhau bởi ';'); mặc định: mọi quy tắc.
        #[arg(long)]
        rule: Option<String>,
        /// Kỳ (cách nhau bởi ';', cố định hoặc tương đối); mặc định: toàn bộ số liệu.
        #[arg(long)]
        pe: Option<String>,
        /// Chỉ đơn vị này và các đơn vị cấp dưới.
        #[arg(long)]
        ou: Option<String>,
        #[command(flatten)]
        opts: ReadOpts,
    },
    /// Đánh giá chỉ tiêu kế hoạch (mặc định: kế hoạch mới nhất).
    Targets {
        #[arg(long)]
        plan: Option<String>,
        #[command(flatten)]
        opts: ReadOpts,
    },
    /// Tình hình báo cáo: đúng hạn, trễ hạn, chưa báo cáo.
    Completeness {
        /// Mã biểu mẫu; mặc định: mọi biểu mẫu.
        #[arg(long)]
        form: Option<String>,
        /// Kỳ (cách nhau bởi ';', cố định hoặc tương đối: 202610, THIS_YEAR, LAST_12_WEEKS);
        /// mặc định: kỳ gần nhất đã đến hạn của từng biểu mẫu. Nhiều kỳ thì cộng dồn.
        #[arg(long)]
        pe: Option<String>,
        /// Liệt kê từng đơn vị thay vì tỷ lệ theo đơn vị cấp trên.
        #[arg(long)]
        units: bool,
        #[command(flatten)]
        opts: ReadOpts,
    },
    /// Sổ dự án và kinh phí: dự án, nhiệm vụ chi thường xuyên, vốn bố trí và giải ngân trong năm,
    /// tổng theo đơn vị, nguồn vốn, trụ cột hoặc năm; các phụ lục kế hoạch với dòng tổng cộng.
    Projects {
        /// Năm kế hoạch (mặc định: năm của --today).
        #[arg(long)]
        year: Option<i32>,
        /// Cộng theo đơn vị, nguồn vốn, trụ cột hoặc năm thay vì liệt kê.
        #[arg(long, value_enum)]
        by: Option<ProjectsBy>,
        /// Chỉ dự án, nhiệm vụ của đơn vị này và các đơn vị cấp dưới.
        #[arg(long)]
        unit: Option<String>,
        /// In bảng phụ lục: investment (dự án đầu tư công), recurrent (chi thường xuyên), budget (toàn bộ kinh phí).
        #[arg(long, value_enum)]
        appendix: Option<Appendix>,
        #[command(flatten)]
        opts: ReadOpts,
    },
    /// Nhiệm vụ được giao: đơn vị chủ trì, phối hợp, thời hạn, tiến độ mới nhất và tình trạng đến --today.
    Tasks {
        /// Chỉ các nhiệm vụ ở tình trạng này.
        #[arg(long, value_enum)]
        status: Option<TaskFilter>,
        /// Chỉ các nhiệm vụ mà đơn vị (hoặc nhóm đơn vị) này chủ trì hoặc phối hợp.
        #[arg(long)]
        unit: Option<String>,
        #[command(flatten)]
        opts: ReadOpts,
    },
    /// Hồ sơ đề xuất cấp độ an toàn hệ thống thông tin (Nghị định 85/2016/NĐ-CP): tình trạng đến
    /// --today, nội dung cần bổ sung, quyết định phê duyệt; số đơn vị, bộ hồ sơ đã phê duyệt, chờ phê
    /// duyệt, cần bổ sung.
    Dossiers {
        /// Chỉ các hồ sơ ở tình trạng này: approved (đã phê duyệt), pending (chờ phê duyệt), returned (cần bổ sung).
        #[arg(long, value_enum)]
        status: Option<DossierFilter>,
        /// Chỉ hồ sơ các hệ thống của đơn vị này và các đơn vị cấp dưới.
        #[arg(long)]
        unit: Option<String>,
        /// Đếm theo đơn vị, tình trạng hoặc cấp độ thay vì liệt kê.
        #[arg(long, value_enum)]
        by: Option<DossiersBy>,
        #[command(flatten)]
        opts: ReadOpts,
    },
    /// Bộ chỉ số chuyển đổi số: xếp hạng các đơn vị cùng nhóm (sở, ngành; huyện; xã) theo năm —
    /// hạng, tổng điểm, giá trị 0–1, giá trị từng trụ cột và chỉ số chính, thay đổi hạng so với năm
    /// trước; tính từ số liệu và điểm chấm trong sổ theo dõi.
    Index {
        /// Mã bộ chỉ số (mặc định: bộ chỉ số của năm --pe).
        #[arg(long)]
        index: Option<String>,
        /// Kỳ đánh giá, thường là năm: 2026 (mặc định: năm của bộ chỉ số, hoặc năm nay).
        #[arg(long)]
        pe: Option<String>,
        /// Nhóm đơn vị so sánh: UBND_HUYEN, SO_NGANH, UBND_XA...
        #[arg(long, default_value = "UBND_HUYEN")]
        group: String,
        /// Xếp hạng theo một trụ cột hoặc chỉ số chính thay vì tổng điểm.
        #[arg(long)]
        node: Option<String>,
        #[command(flatten)]
        opts: ReadOpts,
    },
    /// Lập báo cáo chính thức từ mẫu báo cáo: DOCX theo Nghị định 30/2020/NĐ-CP,
    /// trang HTML xem trước, bảng tính XLSX các bảng số liệu, hoặc PDF (cần LibreOffice).
    Report(ReportArgs),
    /// Mẫu báo cáo: liệt kê, xuất ra tệp YAML, nhập phiên bản mới.
    Template {
        #[command(subcommand)]
        what: TemplateWhat,
    },
    /// Nạp tỉnh mẫu (thay toàn bộ dữ liệu đang có) và tạo các tài khoản mẫu.
    Demo {
        /// Ngày "hôm nay" của dữ liệu mẫu (mặc định: hôm nay).
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
    /// Chạy ứng dụng web và API JSON.
    Serve {
        /// Địa chỉ lắng nghe.
        #[arg(long, env = "CHISO_ADDR", default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Nạp lại tỉnh mẫu và các tài khoản mẫu trước khi chạy.
        #[arg(long)]
        demo: bool,
        /// Coi hôm nay là ngày này (hạn nộp, kỳ tương đối, dữ liệu mẫu).
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
        /// Đặt cờ Secure cho cookie (khi chạy sau HTTPS).
        #[arg(long)]
        secure_cookies: bool,
    },
}

#[derive(Args)]
pub struct AnalyticsArgs {
    /// Chỉ tiêu dữ liệu (MÃ hoặc MÃ.PHÂN_TỔ) và chỉ số, cách nhau bởi ';'.
    #[arg(long)]
    pub dx: String,
    /// Kỳ (202308, 2023Q3, 2024SatW35...) hoặc kỳ tương đối (THIS_YEAR, LAST_12_MONTHS...).
    #[arg(long)]
    pub pe: String,
    /// Đơn vị: MÃ, LEVEL-n, CHILDREN-MÃ, OU_GROUP-MÃ.
    #[arg(long)]
    pub ou: String,
    /// Tách chỉ tiêu dữ liệu theo phân tổ.
    #[arg(long)]
    pub co: bool,
    /// Hiện cả ô không có số liệu.
    #[arg(long)]
    pub empty: bool,
    /// Chiều trải theo cột trong bảng (pe: kỳ, ou: đơn vị, dx: dữ liệu, none: dạng danh sách);
    /// mặc định: kỳ khi có nhiều kỳ.
    #[arg(long, value_enum)]
    pub columns: Option<Across>,
    #[command(flatten)]
    pub opts: ReadOpts,
}

#[derive(Args)]
pub struct ReportArgs {
    /// Tên mẫu báo cáo (weekly, monthly...): phiên bản mới nhất đã lưu, nếu không thì mẫu có sẵn.
    #[arg(long)]
    pub template: String,
    /// Kỳ báo cáo (202610, 2026SatW46...) hoặc kỳ tương đối (LAST_MONTH...), đúng loại kỳ của mẫu.
    #[arg(long)]
    pub pe: String,
    /// Đơn vị báo cáo (gồm cả các đơn vị cấp dưới); mặc định: toàn tỉnh.
    #[arg(long)]
    pub ou: Option<String>,
    /// Tệp kết quả; định dạng theo phần mở rộng: .docx, .html, .xlsx hoặc .pdf.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Số văn bản ("05" → "05/BC-SKHCN"); mặc định: để trống.
    #[arg(long)]
    pub number: Option<String>,
    /// Ngày ký văn bản (YYYY-MM-DD); mặc định: để trống ngày.
    #[arg(long)]
    pub date: Option<chrono::NaiveDate>,
    /// Ngày lập báo cáo, mốc tính hạn nộp và kỳ tương đối (YYYY-MM-DD; mặc định: hôm nay).
    #[arg(long)]
    pub today: Option<chrono::NaiveDate>,
}

#[derive(Subcommand)]
pub enum TemplateWhat {
    /// Liệt kê các mẫu báo cáo: phiên bản mới nhất đã lưu và các mẫu có sẵn.
    List {
        /// Định dạng kết quả: bảng, CSV hoặc JSON.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Xuất mẫu báo cáo (phiên bản mới nhất, hoặc mẫu có sẵn) ra tệp YAML để sửa.
    Export {
        name: String,
        /// Tệp kết quả; mặc định: in ra màn hình.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Nhập mẫu báo cáo từ tệp YAML: kiểm tra với siêu dữ liệu rồi lưu thành phiên bản mới.
    Import {
        file: PathBuf,
        /// Lưu với tên này thay vì tên ghi trong tệp.
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum ExportWhat {
    /// Toàn bộ siêu dữ liệu, dạng YAML (mặc định) hoặc JSON.
    Metadata {
        #[arg(long, short)]
        out: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "yaml")]
        format: MetaFormat,
    },
    /// Sổ theo dõi (dự án, kinh phí, nhiệm vụ và báo cáo tiến độ), dạng YAML (mặc định) hoặc JSON.
    Registers {
        #[arg(long, short)]
        out: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "yaml")]
        format: MetaFormat,
    },
    /// Số liệu dạng dataValueSets JSON, CSV hoặc bảng tính XLSX.
    Data {
        #[arg(long, short)]
        out: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "json")]
        format: DataFormat,
        /// Chỉ các chỉ tiêu dữ liệu này (cách nhau bởi ';').
        #[arg(long)]
        dx: Option<String>,
        /// Chỉ số liệu thuộc các kỳ này (cách nhau bởi ';', cố định hoặc tương đối).
        #[arg(long)]
        pe: Option<String>,
        /// Chỉ các đơn vị này (cách nhau bởi ';').
        #[arg(long)]
        ou: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Across {
    Pe,
    Ou,
    Dx,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProjectsBy {
    Unit,
    Source,
    Pillar,
    Year,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Appendix {
    /// Phụ lục V: dự án sử dụng vốn đầu tư công của năm.
    Investment,
    /// Phụ lục VI: nhiệm vụ sử dụng vốn chi thường xuyên, theo đơn vị.
    Recurrent,
    /// Toàn bộ kinh phí của năm: đầu tư công và chi thường xuyên.
    Budget,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DossierFilter {
    Approved,
    Pending,
    Returned,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DossiersBy {
    Unit,
    Status,
    Level,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TaskFilter {
    Overdue,
    AtRisk,
    Completed,
    CompletedOnTime,
    CompletedLate,
    OnTrack,
    NotReported,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum MetaFormat {
    Yaml,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DataFormat {
    Json,
    Csv,
    Xlsx,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    match rt.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Lỗi: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}
