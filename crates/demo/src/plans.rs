//! The province's digital transformation plans: the current year's (30+
//! targets over the ten pillars, half measured on the demo's figures) and the
//! previous year's (15 targets, all evaluated: 6 Vượt, 7 Đạt, 2 Chưa đạt).
//!
//! The figures in `data` are arranged so that, late in the current year,
//! targets past their evaluation time show a mix of verdicts and year-end
//! ones are in progress, three of them at risk: the online dossier share
//! climbs too slowly towards "Trên 75%", staff digital-skills training
//! towards "80%", and the late rate moves away from "dưới 2%".

use crate::catalog::{c, el};
use chiso_core::code::Code;
use chiso_core::plan::{EvaluationTime, ManualResult, Measure, Plan, Target};
use chiso_core::threshold::ThresholdPhrase;
use chrono::NaiveDate;

struct Spec {
    pillar: &'static str,
    name: String,
    threshold: String,
    lead: &'static [&'static str],
    cooperating: &'static [&'static str],
    when: String,
    measure: Measure,
    results: Vec<(NaiveDate, &'static str)>,
    note: Option<&'static str>,
}

fn ind(code: &str) -> Measure {
    Measure::Indicator(c(code))
}
fn elem(code: &str) -> Measure {
    Measure::Element(c(code))
}

#[allow(clippy::too_many_arguments)]
fn spec(
    pillar: &'static str,
    name: impl Into<String>,
    threshold: impl Into<String>,
    lead: &'static [&'static str],
    cooperating: &'static [&'static str],
    when: impl Into<String>,
    measure: Measure,
) -> Spec {
    Spec {
        pillar,
        name: name.into(),
        threshold: threshold.into(),
        lead,
        cooperating,
        when: when.into(),
        measure,
        results: vec![],
        note: None,
    }
}

impl Spec {
    fn result(mut self, date: NaiveDate, outcome: &'static str) -> Spec {
        self.results.push((date, outcome));
        self
    }
    fn note(mut self, note: &'static str) -> Spec {
        self.note = Some(note);
        self
    }
}

fn plan(code: String, year: i32, number: &str, issued_on: NaiveDate, specs: Vec<Spec>, today: NaiveDate) -> Plan {
    let targets = specs
        .into_iter()
        .enumerate()
        .map(|(i, s)| Target {
            code: c(&format!("CT{:02}", i + 1)),
            pillar: c(s.pillar),
            name: s.name,
            threshold: ThresholdPhrase::parse(&s.threshold).unwrap_or_else(|e| panic!("{e}")),
            lead: s.lead.iter().map(|u| c(u)).collect(),
            cooperating: s.cooperating.iter().map(|u| c(u)).collect(),
            evaluation: EvaluationTime::parse(&s.when),
            measure: s.measure,
            measure_unit: None::<Code>,
            decimals: 2,
            baseline: None,
            // Only what had been reported by `today`.
            results: s
                .results
                .into_iter()
                .filter(|(d, _)| *d < today)
                .map(|(date, outcome)| ManualResult { date, outcome: outcome.into(), note: None })
                .collect(),
            note: s.note.map(String::from),
        })
        .collect();
    Plan {
        code: c(&code),
        year,
        number: Some(number.into()),
        title: format!("Kế hoạch chuyển đổi số tỉnh Hòa Lâm năm {year}"),
        issued_on: Some(issued_on),
        targets,
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

const DEPTS: &str = "SO_NGANH";
const DISTRICTS: &str = "UBND_HUYEN";
const COMMUNES: &str = "UBND_XA";
const KHCN: &str = "SO_KHCN";

/// The plan of `y`, the year of `today`.
pub(crate) fn current(y: i32, today: NaiveDate) -> Plan {
    let end = format!("Cuối năm {y}");
    #[rustfmt::skip]
    let specs = vec![
        // Nhận thức số
        spec("NHAN_THUC", "Hưởng ứng Ngày Chuyển đổi số quốc gia 10/10 với hoạt động tuyên truyền tại 100% sở, ngành, địa phương", "100%", &[KHCN], &["BAO_PTTH", DEPTS, DISTRICTS], format!("Tháng 10/{y}"), Measure::Manual)
            .result(d(y, 10, 20), "100%"),
        spec("NHAN_THUC", "Duy trì chuyên mục chuyển đổi số trên Báo và Phát thanh, Truyền hình tỉnh và cổng thông tin điện tử của các sở, ngành, địa phương", "Hoàn thành", &["BAO_PTTH"], &[DEPTS, DISTRICTS], "Nhiệm vụ thường xuyên", Measure::Manual),
        // Thể chế số
        spec("THE_CHE", format!("Ban hành Kế hoạch chuyển đổi số năm {y} của tỉnh; 100% sở, ngành, địa phương ban hành kế hoạch của đơn vị"), format!("Ban hành Kế hoạch chuyển đổi số năm {y}"), &[KHCN], &[DEPTS, DISTRICTS], format!("Trước tháng 03/{y}"), Measure::Manual)
            .result(d(y, 2, 6), "Hoàn thành"),
        spec("THE_CHE", "Tham mưu HĐND tỉnh ban hành Nghị quyết quy định mức hỗ trợ hoạt động đối với Tổ công nghệ số cộng đồng", "Trình HĐND tỉnh ban hành Nghị quyết", &["SO_TC"], &[KHCN, "SO_NV"], format!("Tháng 07/{y}"), Measure::Manual)
            .result(d(y, 7, 31), "Chưa hoàn thành")
            .note("Dự thảo Nghị quyết đang lấy ý kiến các sở, ngành; lùi sang kỳ họp cuối năm"),
        spec("THE_CHE", "Ban hành Quy chế quản lý, kết nối, chia sẻ dữ liệu dùng chung của tỉnh", "Ban hành Quy chế quản lý, kết nối, chia sẻ dữ liệu", &[KHCN], &["VP_UBND", DEPTS], format!("Quý IV/{y}"), Measure::Manual),
        // Hạ tầng số
        spec("HA_TANG", "Trên 85% hộ gia đình có kết nối Internet băng rộng cáp quang", "Trên 85%", &[KHCN], &[DISTRICTS], end.clone(), Measure::Manual)
            .result(d(y, 6, 30), "82,4%")
            .result(d(y, 9, 30), "83,7%"),
        spec("HA_TANG", "100% UBND cấp xã kết nối mạng truyền số liệu chuyên dùng cấp II", "100%", &[KHCN], &[COMMUNES], format!("Quý II/{y}"), Measure::Manual)
            .result(d(y, 6, 25), "100%"),
        spec("HA_TANG", "100% thôn, bản, khu dân cư được phủ sóng di động 4G", "100%", &[KHCN], &[DISTRICTS], end.clone(), Measure::Manual),
        // Dữ liệu số
        spec("DU_LIEU", "Trên 60% cơ quan nhà nước cấp tỉnh tham gia cung cấp dữ liệu mở phục vụ người dân và doanh nghiệp", "Trên 60%", &[KHCN], &[DEPTS], format!("Tháng 09/{y}"), Measure::Manual)
            .result(d(y, 9, 30), "45%")
            .note("Nhiều đơn vị chưa chuẩn hóa dữ liệu theo danh mục dữ liệu mở"),
        spec("DU_LIEU", "Công bố ít nhất 60 bộ dữ liệu mở trên Cổng dữ liệu mở của tỉnh", "ít nhất 60 bộ dữ liệu", &[KHCN], &[DEPTS], format!("Quý III/{y}"), elem(el::OPEN_DATA)),
        spec("DU_LIEU", "Trên 80% kết quả giải quyết thủ tục hành chính được số hóa", "Trên 80%", &[DEPTS, DISTRICTS, COMMUNES], &["VP_UBND"], end.clone(), ind("TL_SO_HOA")),
        // Nền tảng số
        spec("NEN_TANG", "Vận hành Nền tảng tích hợp, chia sẻ dữ liệu (LGSP) của tỉnh kết nối với Nền tảng NDXP quốc gia", "Vận hành Nền tảng tích hợp, chia sẻ dữ liệu", &[KHCN], &["VP_UBND"], format!("6 tháng đầu năm {y}"), Measure::Manual)
            .result(d(y, 6, 15), "Hoàn thành"),
        spec("NEN_TANG", "Triển khai trợ lý ảo hỗ trợ cán bộ, công chức xử lý công việc tại 100% sở, ngành", "100%", &[KHCN], &[DEPTS], end.clone(), Measure::Manual)
            .result(d(y, 9, 30), "70%"),
        spec("NEN_TANG", "Đưa vào hoạt động Trung tâm giám sát, điều hành thông minh (IOC) giai đoạn 2", "Đưa vào hoạt động Trung tâm IOC giai đoạn 2", &[KHCN], &["CA_TINH", "TP_HOA_LAM"], format!("Quý IV/{y}"), Measure::Manual),
        // Nhân lực số
        spec("NHAN_LUC", "Tỷ lệ cán bộ, công chức, viên chức được bồi dưỡng kỹ năng số đạt 80% trở lên", "đạt 80% trở lên", &["SO_NV"], &[KHCN, "TRUONG_CT"], end.clone(), ind("TL_CB_KY_NANG_SO")),
        spec("NHAN_LUC", "Tập huấn, bồi dưỡng kỹ năng số cho ít nhất 60.000 lượt cán bộ và người dân", "ít nhất 60.000 lượt", &["SO_NV"], &[KHCN, DISTRICTS, COMMUNES], end.clone(), elem(el::TRAINEES)),
        spec("NHAN_LUC", "Tổ chức tập huấn chuyên sâu về an toàn thông tin cho 300 cán bộ, công chức, viên chức trở lên", "cho 300 cán bộ trở lên", &[KHCN], &["CA_TINH", DEPTS, DISTRICTS], format!("Tháng 08/{y}"), Measure::Manual)
            .result(d(y, 8, 28), "320"),
        // An toàn thông tin mạng
        spec("ATTT", "100% máy tính của cơ quan nhà nước được cài đặt phần mềm phòng chống mã độc theo Chỉ thị số 14/CT-TTg", "100%", &[DEPTS, DISTRICTS, COMMUNES], &[KHCN], format!("6 tháng đầu năm {y}"), ind("TL_PCMD")),
        spec("ATTT", "100% hệ thống thông tin được phê duyệt hồ sơ đề xuất cấp độ an toàn thông tin", "100%", &[DEPTS, DISTRICTS], &[KHCN], end.clone(), ind("TL_HTTT_CAP_DO")),
        spec("ATTT", "Tổ chức ít nhất 01 cuộc diễn tập thực chiến bảo đảm an toàn thông tin mạng", "ít nhất 01 cuộc", &[KHCN], &["CA_TINH", "BCH_QS"], format!("Tháng 10/{y}"), Measure::Manual)
            .result(d(y, 10, 16), "1 cuộc"),
        spec("ATTT", "100% hệ thống thông tin dùng chung của tỉnh được giám sát an toàn thông tin 24/7", "100%", &[KHCN], &["CA_TINH"], "Nhiệm vụ thường xuyên", Measure::Manual)
            .result(d(y, 6, 30), "100%"),
        // Chính quyền số
        spec("CHINH_QUYEN", "100% thủ tục hành chính đủ điều kiện được cung cấp dịch vụ công trực tuyến toàn trình", "100%", &[DEPTS, DISTRICTS], &["VP_UBND", KHCN], end.clone(), ind("TL_DVCTT_TOAN_TRINH")),
        spec("CHINH_QUYEN", "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn đạt 95% trở lên", "đạt 95% trở lên", &[DEPTS, DISTRICTS, COMMUNES], &["VP_UBND"], format!("Quý III/{y}"), ind("TL_DUNG_HAN")),
        spec("CHINH_QUYEN", "Tỷ lệ hồ sơ thủ tục hành chính giải quyết trễ hạn dưới 2%", "dưới 2%", &[DEPTS, DISTRICTS, COMMUNES], &["VP_UBND"], end.clone(), ind("TL_TRE_HAN")),
        spec("CHINH_QUYEN", "Trên 75% hồ sơ thủ tục hành chính được tiếp nhận, xử lý trực tuyến", "Trên 75%", &[DEPTS, DISTRICTS, COMMUNES], &[KHCN, "VP_UBND"], end.clone(), ind("TL_HS_TRUC_TUYEN")),
        spec("CHINH_QUYEN", "Trên 95% văn bản đi (trừ văn bản mật) được gửi dưới dạng điện tử, ký số", "Trên 95%", &[DEPTS, DISTRICTS, COMMUNES], &["VP_UBND"], end.clone(), ind("TL_VB_DIEN_TU")),
        spec("CHINH_QUYEN", "Trên 50% hồ sơ nộp trực tuyến được thanh toán phí, lệ phí trực tuyến", "Trên 50%", &[DEPTS, DISTRICTS, COMMUNES], &["SO_TC", KHCN], format!("Quý III/{y}"), ind("TL_THANH_TOAN_TT")),
        spec("CHINH_QUYEN", "Tỷ lệ cuộc họp của cơ quan nhà nước được tổ chức trực tuyến đạt tối thiểu 80%", "tối thiểu 80%", &[DEPTS, DISTRICTS], &[KHCN], format!("Tháng 09/{y}"), ind("TL_HOP_TRUC_TUYEN")),
        spec("CHINH_QUYEN", "Tỷ lệ phản ánh, kiến nghị qua Tổng đài 1022 được xử lý đạt 98% trở lên", "đạt 98% trở lên", &["VP_UBND"], &[DEPTS, DISTRICTS], format!("Quý III/{y}"), ind("TL_XU_LY_1022")),
        spec("CHINH_QUYEN", "Mỗi sở, ngành có ít nhất 01 mô hình chuyển đổi số tiêu biểu theo lĩnh vực quản lý", "ít nhất 01 mô hình", &[DEPTS], &[KHCN], end.clone(), Measure::Manual)
            .result(d(y, 10, 31), "Đang triển khai"),
        // Kinh tế số
        spec("KINH_TE", "Hỗ trợ ít nhất 300 doanh nghiệp nhỏ và vừa tham gia sàn thương mại điện tử", "ít nhất 300 doanh nghiệp", &["SO_CT"], &[KHCN, DISTRICTS], format!("Tháng 09/{y}"), elem(el::ECOMMERCE_SME))
            .note("Doanh nghiệp còn e ngại chi phí vận hành gian hàng trực tuyến"),
        spec("KINH_TE", "Hỗ trợ ít nhất 50 doanh nghiệp trải nghiệm các nền tảng chuyển đổi số", "ít nhất 50 doanh nghiệp", &["SO_TC"], &[KHCN, DISTRICTS], end.clone(), Measure::Manual)
            .result(d(y, 9, 30), "35 doanh nghiệp"),
        spec("KINH_TE", "Kinh tế số chiếm trên 12% GRDP của tỉnh", "trên 12%", &["SO_TC"], &[KHCN, "SO_CT"], end.clone(), Measure::Manual),
        // Xã hội số
        spec("XA_HOI", "Duy trì ít nhất 1.800 thành viên Tổ công nghệ số cộng đồng hoạt động thường xuyên", "ít nhất 1.800 người", &[DISTRICTS], &[KHCN, COMMUNES], end.clone(), elem(el::TEAM_MEMBERS)),
        spec("XA_HOI", "Kích hoạt mới ít nhất 150.000 tài khoản định danh điện tử mức 2", "ít nhất 150.000 tài khoản", &["CA_TINH"], &[DISTRICTS, COMMUNES], end.clone(), elem(el::VNEID)),
        spec("XA_HOI", "90% dân số có hồ sơ sức khỏe điện tử", "90%", &["SO_YT"], &[DISTRICTS], end.clone(), Measure::Manual)
            .result(d(y, 9, 30), "76%"),
        spec("XA_HOI", "Tỷ lệ dân số trưởng thành có tài khoản thanh toán điện tử đạt trên 80%", "trên 80%", &["SO_TC"], &[DISTRICTS], end, Measure::Manual),
    ];
    plan(format!("KH_CDS_{y}"), y, "45/KH-UBND", d(y, 2, 6), specs, today)
}

/// The plan of `y`, the year before `today`'s: everything evaluated.
pub(crate) fn previous(y: i32, today: NaiveDate) -> Plan {
    let end = format!("Cuối năm {y}");
    #[rustfmt::skip]
    let specs = vec![
        spec("CHINH_QUYEN", "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn đạt 95% trở lên", "đạt 95% trở lên", &[DEPTS, DISTRICTS, COMMUNES], &["VP_UBND"], end.clone(), ind("TL_DUNG_HAN")),
        spec("CHINH_QUYEN", "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 65%", "đạt 65%", &[DEPTS, DISTRICTS, COMMUNES], &[KHCN], end.clone(), ind("TL_HS_TRUC_TUYEN"))
            .note("Người dân còn thói quen nộp hồ sơ trực tiếp"),
        spec("ATTT", "Tỷ lệ máy tính cài đặt phần mềm phòng chống mã độc theo Chỉ thị số 14/CT-TTg đạt 90% trở lên", "đạt 90% trở lên", &[DEPTS, DISTRICTS, COMMUNES], &[KHCN], end.clone(), ind("TL_PCMD")),
        spec("CHINH_QUYEN", "Tỷ lệ họp trực tuyến trên tổng số cuộc họp của các cơ quan nhà nước đạt tối thiểu 70%", "tối thiểu 70%", &[DEPTS, DISTRICTS], &[KHCN], end.clone(), ind("TL_HOP_TRUC_TUYEN")),
        spec("CHINH_QUYEN", "100% thủ tục hành chính đủ điều kiện được cung cấp dịch vụ công trực tuyến toàn trình", "100%", &[DEPTS, DISTRICTS], &["VP_UBND", KHCN], end.clone(), ind("TL_DVCTT_TOAN_TRINH")),
        spec("HA_TANG", "100% cơ quan nhà nước cấp tỉnh, UBND cấp huyện, cấp xã kết nối mạng truyền số liệu chuyên dùng", "100%", &[KHCN], &[DEPTS, DISTRICTS, COMMUNES], format!("Tháng 06/{y}"), Measure::Manual)
            .result(d(y, 6, 20), "100%"),
        spec("DU_LIEU", "Tỷ lệ cơ quan nhà nước cung cấp dữ liệu mở đầy đủ theo danh mục đạt 50%", "đạt 50%", &[KHCN], &[DEPTS], end.clone(), Measure::Manual)
            .result(d(y, 12, 20), "30%")
            .note("Nền tảng dữ liệu mở của tỉnh mới đưa vào vận hành từ quý III"),
        spec("NHAN_THUC", "Tổ chức bồi dưỡng nâng cao nhận thức về chuyển đổi số cho 30% cán bộ, công chức trên địa bàn tỉnh", "cho 30%", &["SO_NV"], &[KHCN, "TRUONG_CT"], end.clone(), Measure::Manual)
            .result(d(y, 12, 20), "Trên 50%"),
        spec("ATTT", "Tổ chức ít nhất 01 cuộc diễn tập an toàn thông tin, trong đó có nội dung diễn tập thực chiến", "ít nhất 01 cuộc", &[KHCN], &["CA_TINH"], format!("Tháng 11/{y}"), Measure::Manual)
            .result(d(y, 11, 14), "1 cuộc"),
        spec("NHAN_LUC", "Tổ chức tập huấn công tác bảo đảm an toàn thông tin cơ bản cho 300 cán bộ, công chức, viên chức trở lên", "cho 300 cán bộ trở lên", &[KHCN], &[DEPTS, DISTRICTS], format!("Tháng 09/{y}"), Measure::Manual)
            .result(d(y, 9, 26), "320"),
        spec("NEN_TANG", "Đưa vào hoạt động Trung tâm giám sát, điều hành thông minh (IOC) của tỉnh", "Đưa vào hoạt động Trung tâm IOC", &[KHCN], &["VP_UBND", "CA_TINH"], format!("Quý III/{y}"), Measure::Manual)
            .result(d(y, 9, 2), "Hoàn thành"),
        spec("ATTT", "100% hệ thống thông tin dùng chung của tỉnh được giám sát 24/7 và đánh giá an toàn thông tin định kỳ hằng năm", "100%", &[KHCN], &["CA_TINH"], end.clone(), Measure::Manual)
            .result(d(y, 12, 15), "100%"),
        spec("THE_CHE", format!("Ban hành Kế hoạch chuyển đổi số năm {y} của tỉnh"), format!("Ban hành Kế hoạch chuyển đổi số năm {y}"), &[KHCN], &[DEPTS, DISTRICTS], format!("Tháng 03/{y}"), Measure::Manual)
            .result(d(y, 3, 12), "Hoàn thành"),
        spec("XA_HOI", "Tỷ lệ dân số trưởng thành có tài khoản định danh điện tử đạt 60% trở lên", "đạt 60% trở lên", &["CA_TINH"], &[DISTRICTS, COMMUNES], end.clone(), Measure::Manual)
            .result(d(y, 12, 20), "Trên 75%"),
        spec("XA_HOI", "100% UBND cấp xã thành lập và duy trì Tổ công nghệ số cộng đồng", "100%", &[DISTRICTS], &[KHCN, COMMUNES], end, Measure::Manual)
            .result(d(y, 12, 10), "100%"),
    ];
    plan(format!("KH_CDS_{y}"), y, "38/KH-UBND", d(y, 3, 12), specs, today)
}
