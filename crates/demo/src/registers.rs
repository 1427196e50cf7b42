//! The registers of Tỉnh Hòa Lâm: investment projects and recurrent-budget
//! tasks (for `today`'s year y: projects run from y-2 to y+2, most of them
//! y-1 to y+1, with NSTW / NSĐP / XSKT mixes and disbursements month by month
//! up to `today`), and the tasks assigned by the current plan with their
//! progress reports.
//!
//! The story, for `today` = 23/11/2026:
//!
//! - **Money of 2026**: 185.400 triệu đồng of public investment over 12
//!   projects, 45.100 of recurrent spending (22 tasks, 39.100, and the hộ
//!   tịch database financed from recurrent spending, 6.000), against a state budget of
//!   14.820 tỷ đồng. The land-records project (Sở NN&MT) and the smart city
//!   of Thành phố Hòa Lâm disburse slowly; the urban-planning system of Sở
//!   Xây dựng is suspended.
//! - **Tasks**: 26 assigned by the 2026 plan: 7 completed (one late: the open
//!   datasets, due Quý III, published on 12/10), 3 overdue (the Nghị quyết on
//!   community digital teams, e-commerce support, traffic cameras), 5 at risk
//!   (the data-sharing rules at 45 %, land records at 38 %, the SOC reported at
//!   risk, electronic medical records at 48 %, digital skills in Suối Mây at
//!   30 %), 10 on track, and the departments' showcase models not reported.

use crate::org::COORDINATOR;
use crate::rng::rng_for;
use chiso_core::code::Code;
use chiso_core::period::Period;
use chiso_core::plan::EvaluationTime;
use chiso_core::register::{
    Allocation, BudgetKind, Decision, Disbursement, Funding, InvestmentProject, Money, ProgressReport, ProjectStatus,
    RecurrentTask, Registers, Source, StateBudget, Task, TaskState, YearSpan,
};
use chrono::{Datelike, NaiveDate};

fn c(s: &str) -> Code {
    Code::new(s).unwrap_or_else(|e| panic!("{e}"))
}
fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

use Source::{Nsdp, Nstw, Xskt};

/// A project, years as offsets from `today`'s year (except where `absolute`).
struct P {
    code: &'static str,
    name: &'static str,
    objective: &'static str,
    unit: &'static str,
    pillar: &'static str,
    kind: BudgetKind,
    span: (i32, i32),
    status: ProjectStatus,
    /// (number, year offset, month, day) of the investment decision.
    decision: Option<(&'static str, i32, u32, u32)>,
    funding: &'static [(Source, i64)],
    /// (year offset, source, amount); the source is left out when the project has one.
    allocations: &'static [(i32, Source, i64)],
    /// Share of the current year's allocation paid by year end at the current pace.
    pace: f64,
    absolute: bool,
}

const PI: BudgetKind = BudgetKind::PublicInvestment;
use ProjectStatus::{Completed, Ongoing, Planned, Suspended};

#[rustfmt::skip]
const PROJECTS: &[P] = &[
    P { code: "DA_TTDL", name: "Nâng cấp Trung tâm dữ liệu tỉnh Hòa Lâm đáp ứng tiêu chuẩn Tier III", objective: "Bổ sung máy chủ, lưu trữ, thiết bị bảo mật và xây dựng trung tâm dự phòng (DR site)", unit: "SO_KHCN", pillar: "HA_TANG", kind: PI, span: (-1, 1), status: Ongoing, decision: Some(("1285/QĐ-UBND", -2, 10, 18)), funding: &[(Nstw, 40_000), (Nsdp, 28_500)], allocations: &[(-1, Nstw, 12_000), (-1, Nsdp, 6_000), (0, Nstw, 16_000), (0, Nsdp, 12_000), (1, Nstw, 12_000), (1, Nsdp, 10_500)], pace: 0.82, absolute: false },
    P { code: "DA_IOC2", name: "Trung tâm giám sát, điều hành thông minh (IOC) tỉnh Hòa Lâm giai đoạn 2", objective: "Mở rộng các phân hệ giám sát giao thông, môi trường, y tế, giáo dục; kết nối camera các huyện", unit: "SO_KHCN", pillar: "NEN_TANG", kind: PI, span: (-1, 0), status: Ongoing, decision: Some(("1340/QĐ-UBND", -2, 11, 2)), funding: &[(Nsdp, 32_800)], allocations: &[(-1, Nsdp, 12_000), (0, Nsdp, 20_800)], pace: 0.74, absolute: false },
    P { code: "DA_SOHOA_DD", name: "Số hóa hồ sơ địa chính, xây dựng cơ sở dữ liệu đất đai tỉnh Hòa Lâm", objective: "Số hóa hồ sơ địa chính, xây dựng và vận hành cơ sở dữ liệu đất đai thống nhất", unit: "SO_NNMT", pillar: "DU_LIEU", kind: PI, span: (-2, 1), status: Ongoing, decision: Some(("845/QĐ-UBND", -3, 8, 22)), funding: &[(Nstw, 50_000), (Nsdp, 36_000)], allocations: &[(-2, Nsdp, 8_000), (-1, Nstw, 15_000), (-1, Nsdp, 10_000), (0, Nstw, 20_000), (0, Nsdp, 10_000), (1, Nstw, 15_000), (1, Nsdp, 8_000)], pace: 0.42, absolute: false },
    P { code: "DA_VPDT", name: "Hệ thống quản lý văn bản và điều hành dùng chung ba cấp (e-Office)", objective: "Thay thế các phần mềm quản lý văn bản riêng lẻ, ký số và liên thông văn bản ba cấp", unit: "VP_UBND", pillar: "CHINH_QUYEN", kind: PI, span: (-1, 0), status: Completed, decision: Some(("1402/QĐ-UBND", -2, 11, 20)), funding: &[(Nsdp, 18_600)], allocations: &[(-1, Nsdp, 9_000), (0, Nsdp, 9_600)], pace: 1.0, absolute: false },
    P { code: "DA_BANG_RONG", name: "Phát triển hạ tầng băng rộng, phủ sóng 5G cho các xã vùng sâu, vùng xa", objective: "Phủ sóng di động băng rộng và cáp quang đến thôn, bản của huyện Suối Mây và huyện Ngọc Lâm", unit: "SO_KHCN", pillar: "HA_TANG", kind: PI, span: (0, 1), status: Ongoing, decision: Some(("215/QĐ-UBND", 0, 2, 27)), funding: &[(Nstw, 45_000), (Nsdp, 9_000)], allocations: &[(0, Nstw, 18_000), (0, Nsdp, 4_000), (1, Nstw, 27_000), (1, Nsdp, 5_000)], pace: 0.6, absolute: false },
    P { code: "DA_SOC", name: "Trung tâm giám sát an toàn thông tin mạng (SOC) tỉnh Hòa Lâm", objective: "Giám sát an toàn thông tin 24/7 cho các hệ thống thông tin dùng chung và của các sở, ngành, địa phương", unit: "SO_KHCN", pillar: "ATTT", kind: PI, span: (0, 1), status: Ongoing, decision: Some(("388/QĐ-UBND", 0, 3, 30)), funding: &[(Nsdp, 24_500)], allocations: &[(0, Nsdp, 11_000), (1, Nsdp, 13_500)], pace: 0.5, absolute: false },
    P { code: "DA_HO_TICH", name: "Xây dựng cơ sở dữ liệu hộ tịch điện tử tỉnh Hòa Lâm", objective: "Số hóa sổ hộ tịch từ năm 1975, kết nối Cơ sở dữ liệu quốc gia về dân cư", unit: "SO_TP", pillar: "DU_LIEU", kind: BudgetKind::Recurrent, span: (-1, 0), status: Ongoing, decision: Some(("96/QĐ-UBND", -1, 1, 20)), funding: &[(Nsdp, 11_200)], allocations: &[(-1, Nsdp, 5_200), (0, Nsdp, 6_000)], pace: 0.85, absolute: false },
    P { code: "DA_BENH_AN", name: "Triển khai bệnh án điện tử tại các bệnh viện tuyến tỉnh", objective: "Bệnh án điện tử, hệ thống PACS và kết nối liên thông tại 6 bệnh viện tuyến tỉnh", unit: "SO_YT", pillar: "XA_HOI", kind: PI, span: (-1, 1), status: Ongoing, decision: Some(("512/QĐ-UBND", -1, 4, 15)), funding: &[(Nsdp, 23_000), (Xskt, 15_000)], allocations: &[(-1, Xskt, 5_000), (-1, Nsdp, 4_000), (0, Xskt, 6_000), (0, Nsdp, 8_000), (1, Xskt, 4_000), (1, Nsdp, 11_000)], pace: 0.72, absolute: false },
    P { code: "DA_TIN_HOC", name: "Mua sắm thiết bị dạy học Tin học cho các trường phổ thông", objective: "Trang bị phòng máy tính theo chương trình giáo dục phổ thông 2018", unit: "SO_GDDT", pillar: "NHAN_LUC", kind: PI, span: (-1, 0), status: Ongoing, decision: Some(("433/QĐ-UBND", -1, 3, 28)), funding: &[(Xskt, 29_400)], allocations: &[(-1, Xskt, 14_000), (0, Xskt, 15_400)], pace: 0.93, absolute: false },
    P { code: "DA_CAMERA", name: "Hệ thống camera giám sát an ninh, trật tự và an toàn giao thông", objective: "Lắp đặt camera tại các nút giao, tuyến quốc lộ và kết nối Trung tâm IOC", unit: "CA_TINH", pillar: "NEN_TANG", kind: PI, span: (-1, 1), status: Ongoing, decision: Some(("620/QĐ-UBND", -1, 5, 12)), funding: &[(Nstw, 20_000), (Nsdp, 25_000)], allocations: &[(-1, Nsdp, 8_000), (0, Nstw, 10_000), (0, Nsdp, 9_000), (1, Nstw, 10_000), (1, Nsdp, 8_000)], pace: 0.86, absolute: false },
    P { code: "DA_GIS_AP", name: "Xây dựng cơ sở dữ liệu GIS phục vụ quản lý hạ tầng trên địa bàn huyện An Phú", objective: "Số hóa dữ liệu đất đai, giao thông, cấp thoát nước của huyện", unit: "H_AN_PHU", pillar: "DU_LIEU", kind: PI, span: (-1, 0), status: Ongoing, decision: Some(("702/QĐ-UBND", -1, 6, 3)), funding: &[(Nsdp, 12_600)], allocations: &[(-1, Nsdp, 5_000), (0, Nsdp, 7_600)], pace: 0.7, absolute: false },
    P { code: "DA_DTTM_TP", name: "Đô thị thông minh thành phố Hòa Lâm giai đoạn 1", objective: "Nền tảng đô thị thông minh, chiếu sáng và bãi đỗ xe thông minh khu trung tâm", unit: "TP_HOA_LAM", pillar: "CHINH_QUYEN", kind: PI, span: (0, 2), status: Ongoing, decision: Some(("455/QĐ-UBND", 0, 4, 9)), funding: &[(Nsdp, 27_000)], allocations: &[(0, Nsdp, 6_000), (1, Nsdp, 12_000)], pace: 0.3, absolute: false },
    P { code: "DA_QH_DO_THI", name: "Hệ thống thông tin quản lý quy hoạch đô thị tỉnh Hòa Lâm", objective: "Số hóa đồ án quy hoạch, cung cấp thông tin quy hoạch trực tuyến", unit: "SO_XD", pillar: "DU_LIEU", kind: PI, span: (-1, 0), status: Suspended, decision: Some(("1120/QĐ-UBND", -2, 9, 14)), funding: &[(Nsdp, 14_500)], allocations: &[(-1, Nsdp, 3_000), (0, Nsdp, 2_000)], pace: 0.0, absolute: false },
    P { code: "DA_NN_SO", name: "Nền tảng nông nghiệp số tỉnh Hòa Lâm", objective: "Truy xuất nguồn gốc, bản đồ vùng trồng và sàn giao dịch nông sản", unit: "SO_NNMT", pillar: "KINH_TE", kind: PI, span: (1, 2), status: Planned, decision: None, funding: &[(Nsdp, 19_000)], allocations: &[(1, Nsdp, 4_000)], pace: 0.0, absolute: false },
    P { code: "DA_HTTT_BC", name: "Hệ thống thông tin báo cáo tỉnh Hòa Lâm", objective: "Thu thập, tổng hợp báo cáo định kỳ của các sở, ngành, địa phương", unit: "SO_TTTT", pillar: "CHINH_QUYEN", kind: PI, span: (2023, 2024), status: Completed, decision: Some(("1530/QĐ-UBND", 2022, 12, 12)), funding: &[(Nsdp, 9_800)], allocations: &[(2023, Nsdp, 4_500), (2024, Nsdp, 5_300)], pace: 1.0, absolute: true },
];

/// (code, unit, name, amount, budget line, pillar, NSTW part, pace by year end).
type Rt = (&'static str, &'static str, &'static str, i64, &'static str, &'static str, i64, f64);

#[rustfmt::skip]
const RECURRENT: &[Rt] = &[
    ("TX01", "SO_KHCN", "Duy trì hoạt động của Trung tâm dữ liệu tỉnh", 3_200, "SNKT", "HA_TANG", 0, 0.95),
    ("TX02", "SO_KHCN", "Duy trì hoạt động Trung tâm giám sát, điều hành thông minh (IOC)", 2_400, "SNKT", "NEN_TANG", 0, 0.9),
    ("TX03", "SO_KHCN", "Thuê dịch vụ giám sát, đánh giá an toàn thông tin cho các hệ thống thông tin dùng chung của tỉnh", 2_100, "SNKT", "ATTT", 0, 0.85),
    ("TX04", "SO_KHCN", "Trang bị phần mềm phòng, chống mã độc tập trung theo Chỉ thị số 14/CT-TTg", 2_600, "QLNN", "ATTT", 0, 1.0),
    ("TX05", "SO_KHCN", "Diễn tập thực chiến bảo đảm an toàn thông tin mạng", 350, "SNKT", "ATTT", 0, 1.0),
    ("TX06", "SO_KHCN", "Hoạt động Ban Chỉ đạo chuyển đổi số tỉnh", 400, "QLNN", "THE_CHE", 0, 0.8),
    ("TX07", "SO_KHCN", "Thuê dịch vụ SMS brandname, tổng đài 1022 và trợ lý ảo phục vụ người dân", 480, "QLNN", "CHINH_QUYEN", 0, 0.9),
    ("TX08", "SO_KHCN", "Đào tạo, bồi dưỡng kỹ năng số và an toàn thông tin cho cán bộ, công chức, viên chức", 650, "SN GDĐT", "NHAN_LUC", 0, 0.75),
    ("TX09", "SO_KHCN", "Hỗ trợ hoạt động của Tổ công nghệ số cộng đồng", 1_350, "SN GDĐT", "XA_HOI", 0, 0.6),
    ("TX10", "SO_KHCN", "Tuyên truyền, hưởng ứng Ngày Chuyển đổi số quốc gia 10/10", 300, "SNKT", "NHAN_THUC", 0, 1.0),
    ("TX11", "SO_KHCN", "Chuyển đổi IPv6 cho các hệ thống thông tin của tỉnh", 420, "SNKT", "HA_TANG", 0, 0.5),
    ("TX12", "VP_UBND", "Duy trì Hệ thống thông tin giải quyết thủ tục hành chính tỉnh", 1_850, "SNKT", "CHINH_QUYEN", 0, 0.9),
    ("TX13", "SO_NV", "Số hóa và tạo lập cơ sở dữ liệu tài liệu lưu trữ lịch sử tỉnh Hòa Lâm", 8_500, "SNKT", "DU_LIEU", 0, 0.7),
    ("TX14", "SO_YT", "Triển khai hồ sơ sức khỏe điện tử và thanh toán không dùng tiền mặt tại cơ sở y tế", 4_200, "Sự nghiệp y tế", "XA_HOI", 0, 0.65),
    ("TX15", "CA_TINH", "Triển khai Đề án 06/CP về ứng dụng dữ liệu dân cư, định danh và xác thực điện tử", 2_700, "Chi khác", "XA_HOI", 0, 0.85),
    ("TX16", "SO_CT", "Hỗ trợ doanh nghiệp nhỏ và vừa tham gia sàn thương mại điện tử", 900, "SNKT", "KINH_TE", 600, 0.55),
    ("TX17", "SO_NNMT", "Cập nhật, chỉnh lý biến động cơ sở dữ liệu đất đai", 3_600, "SNKT", "DU_LIEU", 0, 0.5),
    ("TX18", "BAO_PTTH", "Chuyên mục Chuyển đổi số trên báo in, phát thanh, truyền hình và báo điện tử", 600, "SNKT", "NHAN_THUC", 0, 0.9),
    ("TX19", "TRUONG_CT", "Bồi dưỡng kỹ năng số cho cán bộ lãnh đạo, quản lý", 450, "SN GDĐT", "NHAN_LUC", 0, 0.8),
    ("TX20", "H_SUOI_MAY", "Phổ cập kỹ năng số cho người dân các xã vùng cao", 520, "SNKT", "XA_HOI", 0, 0.4),
    ("TX21", "H_AN_PHU", "Duy trì mạng truyền số liệu chuyên dùng cấp II đến các xã", 380, "QLNN", "HA_TANG", 0, 0.9),
    ("TX22", "SO_TC", "Duy trì hệ thống quản lý ngân sách và thanh toán điện tử", 1_150, "QLNN", "CHINH_QUYEN", 0, 0.85),
];

/// How a task's story ends by 23/11.
#[derive(Clone, Copy)]
enum Story {
    /// Completed on (month, day) of the year.
    Done(u32, u32),
    /// Progress reaches this percentage by mid-November.
    Progress(f64),
    /// Reported at risk at this percentage.
    AtRisk(f64, &'static str),
    /// Recurring work, reported in progress.
    Recurring,
    /// Nothing reported.
    Silent,
}
use Story::{AtRisk, Done, Progress, Recurring, Silent};

const DEPTS: &str = "SO_NGANH";
const DISTRICTS: &str = "UBND_HUYEN";
const KHCN: &str = COORDINATOR;

/// (code, name, target of the plan, pillar, lead, co-operating, due phrase ({y} and {y1} replaced), story).
type Tk = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static str,
    Story,
);

#[rustfmt::skip]
const TASKS: &[Tk] = &[
    ("NV01", "Ban hành Kế hoạch chuyển đổi số năm {y} của tỉnh", Some("CT03"), "THE_CHE", &[KHCN], &[DEPTS, DISTRICTS], "Trước tháng 03/{y}", Done(2, 6)),
    ("NV02", "Ban hành Quy chế quản lý, kết nối, chia sẻ dữ liệu dùng chung của tỉnh", Some("CT05"), "THE_CHE", &[KHCN], &["VP_UBND", DEPTS], "Quý IV/{y}", Progress(45.0)),
    ("NV03", "Tham mưu HĐND tỉnh ban hành Nghị quyết quy định mức hỗ trợ hoạt động của Tổ công nghệ số cộng đồng", Some("CT04"), "THE_CHE", &["SO_TC"], &[KHCN, "SO_NV"], "Tháng 07/{y}", Progress(70.0)),
    ("NV04", "Hoàn thành hạng mục năm {y} của dự án nâng cấp Trung tâm dữ liệu tỉnh", None, "HA_TANG", &[KHCN], &[], "Cuối năm {y}", Progress(72.0)),
    ("NV05", "Đưa vào hoạt động Trung tâm giám sát, điều hành thông minh (IOC) giai đoạn 2", Some("CT14"), "NEN_TANG", &[KHCN], &["CA_TINH", "TP_HOA_LAM"], "Quý IV/{y}", Progress(80.0)),
    ("NV06", "Vận hành Nền tảng tích hợp, chia sẻ dữ liệu (LGSP) kết nối Nền tảng NDXP quốc gia", Some("CT12"), "NEN_TANG", &[KHCN], &["VP_UBND"], "6 tháng đầu năm {y}", Done(6, 15)),
    ("NV07", "Triển khai trợ lý ảo hỗ trợ cán bộ, công chức tại 100% sở, ngành", Some("CT13"), "NEN_TANG", &[KHCN], &[DEPTS], "Cuối năm {y}", Progress(78.0)),
    ("NV08", "Số hóa hồ sơ địa chính và đưa cơ sở dữ liệu đất đai vào vận hành tại 5 huyện", None, "DU_LIEU", &["SO_NNMT"], &[DISTRICTS], "Cuối năm {y}", Progress(38.0)),
    ("NV09", "Công bố ít nhất 60 bộ dữ liệu mở trên Cổng dữ liệu mở của tỉnh", Some("CT10"), "DU_LIEU", &[KHCN], &[DEPTS], "Quý III/{y}", Done(10, 12)),
    ("NV10", "Kết nối mạng truyền số liệu chuyên dùng cấp II đến 100% UBND cấp xã", Some("CT07"), "HA_TANG", &[KHCN], &["UBND_XA"], "Quý II/{y}", Done(6, 25)),
    ("NV11", "Phủ sóng di động 4G đến 100% thôn, bản, khu dân cư", Some("CT08"), "HA_TANG", &[KHCN], &[DISTRICTS], "Cuối năm {y}", Progress(85.0)),
    ("NV12", "Đưa vào vận hành Trung tâm giám sát an toàn thông tin mạng (SOC) của tỉnh", None, "ATTT", &[KHCN], &["CA_TINH"], "Tháng 12/{y}", AtRisk(30.0, "Chậm lựa chọn nhà thầu, gói thầu thiết bị phải đấu thầu lại")),
    ("NV13", "Tổ chức diễn tập thực chiến bảo đảm an toàn thông tin mạng", Some("CT20"), "ATTT", &[KHCN], &["CA_TINH", "BCH_QS"], "Tháng 10/{y}", Done(10, 16)),
    ("NV14", "Tập huấn chuyên sâu về an toàn thông tin cho 300 cán bộ, công chức, viên chức", Some("CT17"), "NHAN_LUC", &[KHCN], &["CA_TINH", DEPTS, DISTRICTS], "Tháng 08/{y}", Done(8, 28)),
    ("NV15", "Phê duyệt hồ sơ đề xuất cấp độ an toàn thông tin cho 100% hệ thống thông tin", Some("CT19"), "ATTT", &[DEPTS, DISTRICTS], &[KHCN], "Cuối năm {y}", Progress(55.0)),
    ("NV16", "Triển khai bệnh án điện tử tại các bệnh viện tuyến tỉnh", None, "XA_HOI", &["SO_YT"], &[KHCN], "Cuối năm {y}", Progress(48.0)),
    ("NV17", "Tạo lập hồ sơ sức khỏe điện tử cho 90% dân số", Some("CT35"), "XA_HOI", &["SO_YT"], &[DISTRICTS], "Cuối năm {y}", Progress(80.0)),
    ("NV18", "Hỗ trợ ít nhất 300 doanh nghiệp nhỏ và vừa tham gia sàn thương mại điện tử", Some("CT31"), "KINH_TE", &["SO_CT"], &[KHCN, DISTRICTS], "Tháng 09/{y}", Progress(75.0)),
    ("NV19", "Hỗ trợ ít nhất 50 doanh nghiệp trải nghiệm các nền tảng chuyển đổi số", Some("CT32"), "KINH_TE", &["SO_TC"], &[KHCN, DISTRICTS], "Cuối năm {y}", Progress(75.0)),
    ("NV20", "Kích hoạt mới ít nhất 150.000 tài khoản định danh điện tử mức 2", Some("CT34"), "XA_HOI", &["CA_TINH"], &[DISTRICTS, "UBND_XA"], "Cuối năm {y}", Progress(92.0)),
    ("NV21", "Lắp đặt camera giám sát giao thông trên 100% tuyến quốc lộ qua tỉnh", None, "NEN_TANG", &["CA_TINH"], &[KHCN, DISTRICTS], "Quý III/{y}", Progress(65.0)),
    ("NV22", "Mỗi sở, ngành có ít nhất 01 mô hình chuyển đổi số tiêu biểu theo lĩnh vực quản lý", Some("CT30"), "CHINH_QUYEN", &[DEPTS], &[KHCN], "Cuối năm {y}", Silent),
    ("NV23", "Duy trì chuyên mục chuyển đổi số trên Báo và Phát thanh, Truyền hình tỉnh", Some("CT02"), "NHAN_THUC", &["BAO_PTTH"], &[DEPTS, DISTRICTS], "Nhiệm vụ thường xuyên", Recurring),
    ("NV24", "Hưởng ứng Ngày Chuyển đổi số quốc gia 10/10 tại 100% sở, ngành, địa phương", Some("CT01"), "NHAN_THUC", &[KHCN], &["BAO_PTTH", DEPTS, DISTRICTS], "Tháng 10/{y}", Done(10, 20)),
    ("NV25", "Triển khai Đô thị thông minh thành phố Hòa Lâm giai đoạn 1", None, "CHINH_QUYEN", &["TP_HOA_LAM"], &[KHCN], "Cuối năm {y1}", Progress(25.0)),
    ("NV26", "Phổ cập kỹ năng số cơ bản cho 40% người dân các xã vùng cao huyện Suối Mây", None, "XA_HOI", &["H_SUOI_MAY"], &[KHCN], "Cuối năm {y}", Progress(30.0)),
];

/// The registers as of `today`: records dated after `today` are left out.
pub(crate) fn build(today: NaiveDate) -> Registers {
    let y = today.year();
    let (systems, dossiers) = crate::security::build(today);
    let (indices, assessments) = crate::index::build(&crate::org::build(), today);
    Registers {
        state_budget: vec![
            StateBudget {
                year: y - 1,
                amount: Money::million(13_950_000),
                note: Some(format!("Dự toán chi ngân sách địa phương năm {}", y - 1)),
            },
            StateBudget {
                year: y,
                amount: Money::million(14_820_000),
                note: Some(format!("Dự toán chi ngân sách địa phương năm {y}")),
            },
        ],
        projects: PROJECTS.iter().map(|p| project(p, y, today)).collect(),
        recurrent_tasks: RECURRENT.iter().map(|r| recurrent(r, y, today)).collect(),
        tasks: TASKS.iter().map(|t| task(t, y)).collect(),
        progress_reports: TASKS.iter().flat_map(|t| reports(t, y, today)).collect(),
        systems,
        dossiers,
        indices,
        assessments,
    }
}

fn month_end(y: i32, m: u32) -> NaiveDate {
    Period::month(y, m).expect("valid month").end()
}

fn project(p: &P, y: i32, today: NaiveDate) -> InvestmentProject {
    let year = |off: i32| if p.absolute { off } else { y + off };
    let single = p.funding.len() == 1;
    let allocations: Vec<Allocation> = p
        .allocations
        .iter()
        .map(|(off, s, a)| Allocation {
            year: year(*off),
            source: (!single).then(|| s.clone()),
            amount: Money::million(*a),
        })
        .collect();
    let mut rng = rng_for(&["registers", p.code]);
    // Nothing is paid before the investment decision.
    let decided = p.decision.map(|(_, off, m, day)| d(year(off), m, day));
    let mut disbursements = Vec::new();
    if p.status != ProjectStatus::Planned {
        let mut years: Vec<i32> = allocations.iter().map(|a| a.year).collect();
        years.dedup();
        for ay in years {
            let amount: i64 = allocations.iter().filter(|a| a.year == ay).map(|a| a.amount.thousand() / 1000).sum();
            // Earlier years were paid almost in full; the current year follows the
            // project's pace on a curve that starts slowly.
            let share = if ay < y {
                if p.status == ProjectStatus::Suspended { 0.4 } else { (0.95 + rng.unit() * 0.05).min(1.0) }
            } else {
                p.pace
            };
            let mut paid = 0i64;
            for m in 1..=12u32 {
                let frac = share * (f64::from(m) / 12.0).powf(1.5);
                let cum = ((amount as f64) * frac * (0.97 + rng.unit() * 0.03)).floor() as i64;
                let cum = cum.clamp(paid, amount);
                let end = month_end(ay, m);
                if decided.is_some_and(|x| end < x) {
                    continue;
                }
                if cum > paid && end <= today {
                    disbursements.push(Disbursement {
                        date: None,
                        period: Some(Period::month(ay, m).expect("valid month")),
                        amount: Money::million(cum - paid),
                        note: None,
                    });
                    paid = cum;
                } else if cum > paid && ay == today.year() && m == today.month() && today.day() >= 20 {
                    // The current month so far: a payment on the 20th.
                    disbursements.push(Disbursement {
                        date: Some(d(ay, m, 20)),
                        period: None,
                        amount: Money::million(cum - paid),
                        note: Some("Giải ngân đợt giữa tháng".into()),
                    });
                    paid = cum;
                }
            }
        }
    }
    let from = year(p.span.0);
    InvestmentProject {
        code: c(p.code),
        name: p.name.into(),
        decisions: p
            .decision
            .map(|(number, off, m, day)| Decision {
                number: number.into(),
                date: d(year(off), m, day),
                authority: "UBND tỉnh Hòa Lâm".into(),
            })
            .into_iter()
            .collect(),
        total_investment: p.funding.iter().map(|(_, a)| Money::million(*a)).sum(),
        period: YearSpan { from, to: year(p.span.1) },
        funding: p.funding.iter().map(|(s, a)| Funding { source: s.clone(), amount: Money::million(*a) }).collect(),
        kind: p.kind,
        unit: c(p.unit),
        objective: p.objective.into(),
        pillar: Some(c(p.pillar)),
        status: p.status,
        transition: from < y,
        allocations,
        disbursements,
        note: (p.status == ProjectStatus::Suspended)
            .then(|| "Tạm dừng để rà soát lại thiết kế theo quy hoạch tỉnh điều chỉnh".into()),
    }
}

fn recurrent(r: &Rt, y: i32, today: NaiveDate) -> RecurrentTask {
    let &(code, unit, name, amount, line, pillar, central, pace) = r;
    let mut rng = rng_for(&["registers", code]);
    // Paid by quarter as the year goes; the last quarter's payments are dated.
    let mut disbursements = Vec::new();
    let mut paid = 0i64;
    for q in 1..=4u32 {
        let frac = pace * (f64::from(q) / 4.0).powf(1.2) * (0.96 + rng.unit() * 0.04);
        let cum = ((amount as f64) * frac).floor() as i64;
        let cum = cum.clamp(paid, amount);
        if cum == paid {
            continue;
        }
        let (date, period) = if q < 4 {
            (None, Some(Period::quarter(y, q).expect("valid quarter")))
        } else {
            (Some(d(y, 11, 10 + rng.below(10) as u32)), None)
        };
        let disb = Disbursement { date, period, amount: Money::million(cum - paid), note: None };
        if disb.day().is_some_and(|x| x <= today) {
            disbursements.push(disb);
            paid = cum;
        }
    }
    RecurrentTask {
        code: c(code),
        unit: c(unit),
        name: name.into(),
        year: y,
        amount: Money::million(amount),
        budget_line: Some(line.into()),
        pillar: Some(c(pillar)),
        funding: if central > 0 {
            vec![
                Funding { source: Source::Nstw, amount: Money::million(central) },
                Funding { source: Source::Nsdp, amount: Money::million(amount - central) },
            ]
        } else {
            vec![]
        },
        disbursements,
        note: None,
    }
}

fn phrase(s: &str, y: i32) -> String {
    s.replace("{y1}", &(y + 1).to_string()).replace("{y}", &y.to_string())
}

/// The day the current plan was issued (see `plans::current`).
fn plan_issued(y: i32) -> NaiveDate {
    d(y, 2, 6)
}

fn task(t: &Tk, y: i32) -> Task {
    let &(code, name, target, pillar, lead, cooperating, due, _) = t;
    Task {
        code: c(code),
        name: phrase(name, y),
        plan: Some(c(&format!("KH_CDS_{y}"))),
        target: target.map(c),
        pillar: Some(c(pillar)),
        year: y,
        lead: lead.iter().map(|u| c(u)).collect(),
        cooperating: cooperating.iter().map(|u| c(u)).collect(),
        due: EvaluationTime::parse(&phrase(due, y)),
        assigned_on: Some(plan_issued(y)),
        note: None,
    }
}

/// Reports at the end of each quarter, of October and mid-November, up to
/// `today`; percentages climb linearly to the story's figure at mid-November
/// (a little noise on the way).
fn reports(t: &Tk, y: i32, today: NaiveDate) -> Vec<ProgressReport> {
    let &(code, _, _, _, lead, _, _, story) = t;
    let by = if lead[0].starts_with("SO_NGANH") || lead[0].starts_with("UBND_") { KHCN } else { lead[0] };
    let mut rng = rng_for(&["registers", code]);
    let start = plan_issued(y);
    let schedule = [d(y, 3, 31), d(y, 6, 30), d(y, 9, 30), d(y, 10, 31), d(y, 11, 15)];
    let last = schedule[schedule.len() - 1];
    let report = |date: NaiveDate, percent: Option<f64>, state: Option<TaskState>, comment: Option<&str>| {
        ProgressReport { task: c(code), date, by: c(by), percent, state, comment: comment.map(String::from) }
    };
    let linear = |date: NaiveDate, to: f64| {
        (to * (date - start).num_days() as f64 / (last - start).num_days() as f64).clamp(0.0, to)
    };
    let mut out = Vec::new();
    match story {
        Silent => {}
        Recurring => {
            out.extend(schedule.iter().map(|&s| report(s, None, Some(TaskState::InProgress), None)));
        }
        Done(m, day) => {
            let done = d(y, m, day);
            let before: Vec<NaiveDate> = schedule.iter().copied().filter(|&s| s < done).collect();
            for (i, &s) in before.iter().enumerate() {
                let pct = (90.0 * (i + 1) as f64 / (before.len() + 1) as f64 + rng.unit() * 5.0).round();
                out.push(report(s, Some(pct), None, None));
            }
            out.push(report(done, Some(100.0), Some(TaskState::Completed), Some("Đã hoàn thành")));
        }
        Progress(to) => {
            for &s in &schedule {
                let noise = if s == last { 0.0 } else { (rng.unit() - 0.5) * 6.0 };
                let pct = (linear(s, to) + noise).round().clamp(0.0, to);
                out.push(report(s, Some(pct), None, None));
            }
        }
        AtRisk(to, why) => {
            for &s in &schedule {
                if s == last {
                    out.push(report(s, Some(to), Some(TaskState::AtRisk), Some(why)));
                } else {
                    out.push(report(s, Some(linear(s, to).round()), None, None));
                }
            }
        }
    }
    out.retain(|r| r.date <= today);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{default_today, metadata};
    use chiso_core::metadata::Model;
    use chiso_core::register::budget::{
        allocated, budget_appendix, disbursement_rate, investment_appendix, lines_of_year, recurrent_appendix, summary,
        totals_by_source, totals_by_unit_at_level,
    };
    use chiso_core::register::task::{assignment_appendix, at_risk, counts, overdue, statuses};
    use chiso_core::register::{Layout, TaskCounts};

    fn setup() -> (Registers, Model) {
        let today = default_today();
        let model = Model::new(metadata(today)).unwrap_or_else(|e| panic!("{e}"));
        (build(today), model)
    }

    #[test]
    fn the_registers_validate_against_the_demo_model() {
        let (reg, model) = setup();
        reg.validate(&model).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((reg.projects.len(), reg.recurrent_tasks.len(), reg.tasks.len()), (15, 22, 26));
        assert!(reg.progress_reports.len() > 80, "{}", reg.progress_reports.len());
        // A year earlier and a year later the registers are still consistent.
        for today in [d(2025, 11, 23), d(2026, 3, 1), d(2027, 6, 30)] {
            let model = Model::new(metadata(today)).unwrap();
            build(today).validate(&model).unwrap_or_else(|e| panic!("{today}: {e}"));
        }
    }

    #[test]
    fn generation_is_deterministic() {
        assert_eq!(build(default_today()), build(default_today()));
    }

    #[test]
    fn the_money_of_the_year_is_plausible() {
        let (reg, model) = setup();
        let y = 2026;
        assert_eq!(allocated(&reg, y, Some(BudgetKind::PublicInvestment)), Money::million(185_400));
        assert_eq!(allocated(&reg, y, Some(BudgetKind::Recurrent)), Money::million(39_100 + 6_000));
        let s = summary(&reg, y);
        assert_eq!(s.total.billion_text(), "230,5 tỷ đồng");
        let share = s.share.unwrap();
        assert!((1.0..2.5).contains(&share), "{share}");
        assert_eq!(chiso_core::number::format_percent(share, 2), "1,56%");
        let by_source = totals_by_source(&lines_of_year(&reg, y));
        assert_eq!(by_source.values().copied().sum::<Money>(), s.total);
        assert!(by_source.keys().all(Option::is_some));
        assert_eq!(by_source.len(), 3);
        // Half to nine tenths paid by late November; land records lag.
        let rate = disbursement_rate(&reg, y, default_today(), None).unwrap();
        assert!((50.0..90.0).contains(&rate), "{rate}");
        let land = reg.projects.iter().find(|p| p.code.as_str() == "DA_SOHOA_DD").unwrap();
        let land_rate = land.disbursement_rate(y, default_today()).unwrap();
        assert!(land_rate < 40.0, "{land_rate}");
        let by_dept = totals_by_unit_at_level(&lines_of_year(&reg, y), &model, 2);
        let top = by_dept.iter().max_by_key(|(_, m)| **m).unwrap();
        assert_eq!(top.0.as_str(), COORDINATOR);
        for a in [
            investment_appendix(&reg, &model, y, Layout::flat()),
            investment_appendix(&reg, &model, y, Layout::by_unit(2)),
            recurrent_appendix(&reg, &model, y, Layout::by_unit(2)),
            budget_appendix(&reg, &model, y, Some(2)),
        ] {
            a.check_totals().unwrap_or_else(|e| panic!("{}: {e}", a.title));
        }
        assert_eq!(investment_appendix(&reg, &model, y, Layout::flat()).total(5), Money::million(185_400));
    }

    #[test]
    fn the_tasks_tell_the_story() {
        let (reg, model) = setup();
        let st = statuses(&reg, default_today());
        assert_eq!(
            counts(&st),
            TaskCounts {
                assigned: 26,
                completed: 7,
                completed_on_time: 6,
                completed_late: 1,
                overdue: 3,
                at_risk: 5,
                on_track: 10,
                not_reported: 1
            }
        );
        let codes = |v: Vec<&chiso_core::register::TaskStatus<'_>>| {
            v.iter().map(|s| s.task.code.to_string()).collect::<Vec<_>>()
        };
        assert_eq!(codes(overdue(&st)), ["NV03", "NV18", "NV21"]);
        assert_eq!(codes(at_risk(&st)), ["NV02", "NV08", "NV12", "NV16", "NV26"]);
        let a = assignment_appendix(&reg, &model, 2026);
        assert_eq!(a.rows.iter().filter(|r| r.kind == chiso_core::register::RowKind::Item).count(), 26);
    }
}
