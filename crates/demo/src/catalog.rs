//! What the province collects: pillars, data elements, indicators,
//! validation rules and the two report forms.

use chiso_core::code::Code;
use chiso_core::element::{Aggregation, DataElement, Disaggregation, DisaggregationOption, ValueType};
use chiso_core::expr::{Expression, MissingValues};
use chiso_core::form::{FormSection, ReportForm, default_narratives};
use chiso_core::indicator::Indicator;
use chiso_core::period::{CutoffRule, DueRule, PeriodType, WeekStart};
use chiso_core::plan::Pillar;
use chiso_core::rule::{Importance, Operator, ValidationRule};

pub(crate) const WEEKLY: &str = "BC_TUAN";
pub(crate) const MONTHLY: &str = "BC_THANG";

pub(crate) fn c(s: &str) -> Code {
    Code::new(s).unwrap_or_else(|e| panic!("{e}"))
}
fn x(s: &str) -> Expression {
    Expression::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

pub(crate) fn pillars() -> Vec<Pillar> {
    [
        ("NHAN_THUC", "Nhận thức số"),
        ("THE_CHE", "Thể chế số"),
        ("HA_TANG", "Hạ tầng số"),
        ("DU_LIEU", "Dữ liệu số"),
        ("NEN_TANG", "Nền tảng số"),
        ("NHAN_LUC", "Nhân lực số"),
        ("ATTT", "An toàn thông tin mạng"),
        ("CHINH_QUYEN", "Chính quyền số"),
        ("KINH_TE", "Kinh tế số"),
        ("XA_HOI", "Xã hội số"),
    ]
    .into_iter()
    .map(|(code, name)| Pillar { code: c(code), name: name.into() })
    .collect()
}

pub(crate) const CHANNEL: &str = "KENH";
pub(crate) const ONLINE: &str = "TRUC_TUYEN";
pub(crate) const IN_PERSON: &str = "TRUC_TIEP";
pub(crate) const POST: &str = "BUU_CHINH";

pub(crate) fn disaggregations() -> Vec<Disaggregation> {
    vec![Disaggregation {
        code: c(CHANNEL),
        name: "Kênh tiếp nhận".into(),
        options: [(ONLINE, "Trực tuyến"), (IN_PERSON, "Trực tiếp"), (POST, "Bưu chính công ích")]
            .into_iter()
            .map(|(code, name)| DisaggregationOption { code: c(code), name: name.into() })
            .collect(),
    }]
}

/// Element codes, named once so the data generator and the plans agree.
pub(crate) mod el {
    // Monthly report.
    pub const RECEIVED: &str = "HS_TIEP_NHAN";
    pub const RESOLVED: &str = "HS_GIAI_QUYET";
    pub const ON_TIME: &str = "HS_DUNG_HAN";
    pub const LATE: &str = "HS_TRE_HAN";
    pub const LATE_RATE_STATED: &str = "HS_TY_LE_TRE_HAN";
    pub const DIGITISED: &str = "HS_SO_HOA";
    pub const PAYMENTS: &str = "TT_TRUC_TUYEN";
    pub const TEAM_MEMBERS: &str = "TCNSCD_THANH_VIEN";
    pub const TEAM_ACTIVITIES: &str = "TCNSCD_HOAT_DONG";
    pub const TRAINEES: &str = "DAO_TAO_LUOT";
    pub const COMPUTERS: &str = "MAY_TINH";
    pub const ANTI_MALWARE: &str = "MAY_TINH_PCMD";
    pub const SYSTEMS: &str = "HTTT";
    pub const SYSTEMS_APPROVED: &str = "HTTT_CAP_DO";
    pub const OPEN_DATA: &str = "DL_MO";
    pub const ECOMMERCE_SME: &str = "TMDT_DN";
    pub const MEETINGS: &str = "HOP";
    pub const MEETINGS_ONLINE: &str = "HOP_TRUC_TUYEN";
    pub const DOCUMENTS: &str = "VB_DI";
    pub const DOCUMENTS_ELECTRONIC: &str = "VB_DI_DIEN_TU";
    pub const STAFF: &str = "CBCC";
    pub const STAFF_TRAINED: &str = "CBCC_KY_NANG_SO";
    // Weekly report.
    pub const W_RECEIVED: &str = "TUAN_HS_TIEP_NHAN";
    pub const W_RESOLVED: &str = "TUAN_HS_GIAI_QUYET";
    pub const W_ON_TIME: &str = "TUAN_HS_DUNG_HAN";
    pub const W_LATE: &str = "TUAN_HS_TRE_HAN";
    pub const PROCEDURES: &str = "TTHC_DU_DK";
    pub const FULL_ONLINE: &str = "DVCTT_TOAN_TRINH";
    pub const HOTLINE_RECEIVED: &str = "PA_1022_TIEP_NHAN";
    pub const HOTLINE_HANDLED: &str = "PA_1022_XU_LY";
    pub const VNEID: &str = "VNEID_MUC2";
    pub const MALWARE: &str = "MA_DOC";
}

pub(crate) fn elements() -> Vec<DataElement> {
    use Aggregation::{Last, None as NoAgg, Sum};
    use ValueType::{Integer, Percentage};
    // (code, name, short, type, unit rule, time rule, unit of measure, disaggregation, pillar)
    #[allow(clippy::type_complexity)]
    #[rustfmt::skip]
    let rows: &[(&str, &str, &str, ValueType, Aggregation, Option<Aggregation>, &str, Option<&str>, &str)] = &[
        (el::RECEIVED, "Số hồ sơ thủ tục hành chính tiếp nhận", "Hồ sơ tiếp nhận", Integer, Sum, None, "hồ sơ", Some(CHANNEL), "CHINH_QUYEN"),
        (el::RESOLVED, "Số hồ sơ thủ tục hành chính đã giải quyết", "Hồ sơ đã giải quyết", Integer, Sum, None, "hồ sơ", None, "CHINH_QUYEN"),
        (el::ON_TIME, "Số hồ sơ giải quyết đúng hạn", "Hồ sơ đúng hạn", Integer, Sum, None, "hồ sơ", None, "CHINH_QUYEN"),
        (el::LATE, "Số hồ sơ giải quyết trễ hạn", "Hồ sơ trễ hạn", Integer, Sum, None, "hồ sơ", None, "CHINH_QUYEN"),
        (el::LATE_RATE_STATED, "Tỷ lệ hồ sơ trễ hạn (đơn vị tự ghi)", "Tỷ lệ trễ hạn đã ghi", Percentage, NoAgg, None, "%", None, "CHINH_QUYEN"),
        (el::DIGITISED, "Số hồ sơ có kết quả giải quyết được số hóa", "Kết quả được số hóa", Integer, Sum, None, "hồ sơ", None, "DU_LIEU"),
        (el::PAYMENTS, "Số giao dịch thanh toán trực tuyến phí, lệ phí TTHC", "Thanh toán trực tuyến", Integer, Sum, None, "giao dịch", None, "KINH_TE"),
        (el::TEAM_MEMBERS, "Số thành viên Tổ công nghệ số cộng đồng", "Thành viên Tổ CNSCĐ", Integer, Sum, Some(Last), "người", None, "XA_HOI"),
        (el::TEAM_ACTIVITIES, "Số hoạt động hỗ trợ người dân của Tổ công nghệ số cộng đồng", "Hoạt động Tổ CNSCĐ", Integer, Sum, None, "hoạt động", None, "XA_HOI"),
        (el::TRAINEES, "Số lượt người được tập huấn, bồi dưỡng kỹ năng số", "Lượt tập huấn", Integer, Sum, None, "lượt người", None, "NHAN_LUC"),
        (el::COMPUTERS, "Tổng số máy tính của cơ quan", "Máy tính", Integer, Sum, Some(Last), "máy", None, "HA_TANG"),
        (el::ANTI_MALWARE, "Số máy tính được cài đặt phần mềm phòng chống mã độc", "Máy tính có PCMĐ", Integer, Sum, Some(Last), "máy", None, "ATTT"),
        (el::SYSTEMS, "Số hệ thống thông tin đang vận hành", "Hệ thống thông tin", Integer, Sum, Some(Last), "hệ thống", None, "ATTT"),
        (el::SYSTEMS_APPROVED, "Số hệ thống thông tin được phê duyệt hồ sơ cấp độ an toàn thông tin", "HTTT được duyệt cấp độ", Integer, Sum, Some(Last), "hệ thống", None, "ATTT"),
        (el::OPEN_DATA, "Số bộ dữ liệu mở được công bố", "Dữ liệu mở công bố", Integer, Sum, None, "bộ dữ liệu", None, "DU_LIEU"),
        (el::ECOMMERCE_SME, "Số doanh nghiệp nhỏ và vừa được hỗ trợ tham gia sàn thương mại điện tử", "DN lên sàn TMĐT", Integer, Sum, None, "doanh nghiệp", None, "KINH_TE"),
        (el::MEETINGS, "Tổng số cuộc họp", "Cuộc họp", Integer, Sum, None, "cuộc", None, "CHINH_QUYEN"),
        (el::MEETINGS_ONLINE, "Số cuộc họp tổ chức trực tuyến", "Họp trực tuyến", Integer, Sum, None, "cuộc", None, "CHINH_QUYEN"),
        (el::DOCUMENTS, "Tổng số văn bản đi", "Văn bản đi", Integer, Sum, None, "văn bản", None, "CHINH_QUYEN"),
        (el::DOCUMENTS_ELECTRONIC, "Số văn bản đi được gửi dưới dạng điện tử, ký số", "Văn bản điện tử", Integer, Sum, None, "văn bản", None, "CHINH_QUYEN"),
        (el::STAFF, "Tổng số cán bộ, công chức, viên chức", "CBCCVC", Integer, Sum, Some(Last), "người", None, "NHAN_LUC"),
        (el::STAFF_TRAINED, "Số cán bộ, công chức, viên chức đã được bồi dưỡng kỹ năng số", "CBCCVC có kỹ năng số", Integer, Sum, Some(Last), "người", None, "NHAN_LUC"),
        (el::W_RECEIVED, "Số hồ sơ TTHC tiếp nhận trong tuần", "Hồ sơ tiếp nhận (tuần)", Integer, Sum, None, "hồ sơ", Some(CHANNEL), "CHINH_QUYEN"),
        (el::W_RESOLVED, "Số hồ sơ TTHC đã giải quyết trong tuần", "Hồ sơ giải quyết (tuần)", Integer, Sum, None, "hồ sơ", None, "CHINH_QUYEN"),
        (el::W_ON_TIME, "Số hồ sơ giải quyết đúng hạn trong tuần", "Hồ sơ đúng hạn (tuần)", Integer, Sum, None, "hồ sơ", None, "CHINH_QUYEN"),
        (el::W_LATE, "Số hồ sơ giải quyết trễ hạn trong tuần", "Hồ sơ trễ hạn (tuần)", Integer, Sum, None, "hồ sơ", None, "CHINH_QUYEN"),
        (el::PROCEDURES, "Số thủ tục hành chính đủ điều kiện cung cấp dịch vụ công trực tuyến toàn trình", "TTHC đủ điều kiện", Integer, Sum, Some(Last), "thủ tục", None, "CHINH_QUYEN"),
        (el::FULL_ONLINE, "Số dịch vụ công trực tuyến toàn trình đang cung cấp", "DVCTT toàn trình", Integer, Sum, Some(Last), "dịch vụ", None, "CHINH_QUYEN"),
        (el::HOTLINE_RECEIVED, "Số phản ánh, kiến nghị qua Tổng đài 1022 được chuyển đến", "Phản ánh 1022 tiếp nhận", Integer, Sum, None, "phản ánh", None, "XA_HOI"),
        (el::HOTLINE_HANDLED, "Số phản ánh, kiến nghị qua Tổng đài 1022 đã xử lý", "Phản ánh 1022 đã xử lý", Integer, Sum, None, "phản ánh", None, "XA_HOI"),
        (el::VNEID, "Số tài khoản định danh điện tử mức 2 (VNeID) kích hoạt mới", "VNeID mức 2 mới", Integer, Sum, None, "tài khoản", None, "XA_HOI"),
        (el::MALWARE, "Số lượt phát hiện mã độc trên máy tính của cơ quan", "Lượt phát hiện mã độc", Integer, Sum, None, "lượt", None, "ATTT"),
    ];
    rows.iter()
        .map(|&(code, name, short, value_type, aggregation, time_aggregation, uom, dis, pillar)| DataElement {
            code: c(code),
            name: name.into(),
            short_name: Some(short.into()),
            value_type,
            aggregation,
            time_aggregation,
            unit_of_measure: Some(uom.into()),
            disaggregation: dis.map(c),
            pillar: Some(c(pillar)),
            description: (code == el::LATE_RATE_STATED).then(|| {
                "Tỷ lệ như đơn vị ghi trong báo cáo; chỉ dùng để đối chiếu với số hồ sơ trễ hạn ÷ số hồ sơ đã giải quyết \
                 (không cộng dồn; tỷ lệ của tỉnh xem chỉ số TL_TRE_HAN)"
                    .to_string()
            }),
        })
        .collect()
}

pub(crate) fn indicators() -> Vec<Indicator> {
    // (code, name, short, numerator, denominator, pillar)
    #[rustfmt::skip]
    let rows: &[(&str, &str, &str, &str, &str, &str)] = &[
        ("TL_DUNG_HAN", "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", "Đúng hạn", "#{HS_DUNG_HAN}", "#{HS_GIAI_QUYET}", "CHINH_QUYEN"),
        ("TL_TRE_HAN", "Tỷ lệ hồ sơ TTHC giải quyết trễ hạn", "Trễ hạn", "#{HS_TRE_HAN}", "#{HS_GIAI_QUYET}", "CHINH_QUYEN"),
        ("TL_HS_TRUC_TUYEN", "Tỷ lệ hồ sơ TTHC tiếp nhận trực tuyến", "Hồ sơ trực tuyến", "#{HS_TIEP_NHAN.TRUC_TUYEN}", "#{HS_TIEP_NHAN}", "CHINH_QUYEN"),
        ("TL_SO_HOA", "Tỷ lệ hồ sơ có kết quả giải quyết TTHC được số hóa", "Số hóa kết quả", "#{HS_SO_HOA}", "#{HS_GIAI_QUYET}", "DU_LIEU"),
        ("TL_THANH_TOAN_TT", "Tỷ lệ hồ sơ trực tuyến được thanh toán phí, lệ phí trực tuyến", "Thanh toán trực tuyến", "#{TT_TRUC_TUYEN}", "#{HS_TIEP_NHAN.TRUC_TUYEN}", "KINH_TE"),
        ("TL_PCMD", "Tỷ lệ máy tính được cài đặt phần mềm phòng chống mã độc", "Phủ PCMĐ", "#{MAY_TINH_PCMD}", "#{MAY_TINH}", "ATTT"),
        ("TL_HTTT_CAP_DO", "Tỷ lệ hệ thống thông tin được phê duyệt hồ sơ cấp độ an toàn thông tin", "HTTT được duyệt cấp độ", "#{HTTT_CAP_DO}", "#{HTTT}", "ATTT"),
        ("TL_HOP_TRUC_TUYEN", "Tỷ lệ cuộc họp được tổ chức trực tuyến", "Họp trực tuyến", "#{HOP_TRUC_TUYEN}", "#{HOP}", "CHINH_QUYEN"),
        ("TL_VB_DIEN_TU", "Tỷ lệ văn bản đi được gửi dưới dạng điện tử", "Văn bản điện tử", "#{VB_DI_DIEN_TU}", "#{VB_DI}", "CHINH_QUYEN"),
        ("TL_CB_KY_NANG_SO", "Tỷ lệ cán bộ, công chức, viên chức được bồi dưỡng kỹ năng số", "CBCCVC có kỹ năng số", "#{CBCC_KY_NANG_SO}", "#{CBCC}", "NHAN_LUC"),
        ("TL_DVCTT_TOAN_TRINH", "Tỷ lệ TTHC đủ điều kiện được cung cấp dịch vụ công trực tuyến toàn trình", "DVCTT toàn trình", "#{DVCTT_TOAN_TRINH}", "#{TTHC_DU_DK}", "CHINH_QUYEN"),
        ("TL_XU_LY_1022", "Tỷ lệ phản ánh qua Tổng đài 1022 được xử lý", "Xử lý phản ánh 1022", "#{PA_1022_XU_LY}", "#{PA_1022_TIEP_NHAN}", "XA_HOI"),
        ("TL_TUAN_DUNG_HAN", "Tỷ lệ hồ sơ giải quyết đúng hạn (báo cáo tuần)", "Đúng hạn (tuần)", "#{TUAN_HS_DUNG_HAN}", "#{TUAN_HS_GIAI_QUYET}", "CHINH_QUYEN"),
        ("TL_TUAN_TRUC_TUYEN", "Tỷ lệ hồ sơ tiếp nhận trực tuyến (báo cáo tuần)", "Trực tuyến (tuần)", "#{TUAN_HS_TIEP_NHAN.TRUC_TUYEN}", "#{TUAN_HS_TIEP_NHAN}", "CHINH_QUYEN"),
    ];
    rows.iter()
        .map(|&(code, name, short, num, den, pillar)| Indicator {
            code: c(code),
            name: name.into(),
            short_name: Some(short.into()),
            numerator: x(num),
            denominator: x(den),
            factor: 100.0,
            decimals: 2,
            unit_of_measure: Some("%".into()),
            pillar: Some(c(pillar)),
            description: None,
        })
        .collect()
}

pub(crate) fn rules() -> Vec<ValidationRule> {
    use Importance::{High, Medium};
    use Operator::{Eq, Le};
    // (code, name, left, op, right, importance, tolerance, message)
    #[allow(clippy::type_complexity)]
    let rows: &[(&str, &str, &str, Operator, &str, Importance, f64, &str)] = &[
        (
            "GQ_LE_TN",
            "Hồ sơ đã giải quyết không vượt quá hồ sơ tiếp nhận",
            "#{HS_GIAI_QUYET}",
            Le,
            "#{HS_TIEP_NHAN}",
            High,
            0.0,
            "Số hồ sơ đã giải quyết lớn hơn số hồ sơ tiếp nhận trong kỳ; đề nghị kiểm tra lại số tiếp nhận theo từng kênh.",
        ),
        (
            "DH_TH_LE_GQ",
            "Đúng hạn + trễ hạn không vượt quá số đã giải quyết",
            "#{HS_DUNG_HAN} + #{HS_TRE_HAN}",
            Le,
            "#{HS_GIAI_QUYET}",
            High,
            0.0,
            "Tổng số hồ sơ đúng hạn và trễ hạn lớn hơn số hồ sơ đã giải quyết; mỗi hồ sơ đã giải quyết chỉ là đúng hạn hoặc trễ hạn.",
        ),
        (
            "TL_TRE_HAN_KHOP",
            "Tỷ lệ trễ hạn đã ghi khớp với số hồ sơ",
            "#{HS_TY_LE_TRE_HAN}",
            Eq,
            "#{HS_TRE_HAN} / #{HS_GIAI_QUYET} * 100",
            Medium,
            0.005,
            "Tỷ lệ trễ hạn ghi trong báo cáo không khớp với số hồ sơ trễ hạn ÷ số hồ sơ đã giải quyết × 100 \
             (ví dụ 629 hồ sơ trễ hạn trên 58.109 hồ sơ đã giải quyết là 1,08%, không phải 0,01%).",
        ),
        (
            "PCMD_LE_MT",
            "Máy tính có phần mềm phòng chống mã độc không vượt quá tổng số máy tính",
            "#{MAY_TINH_PCMD}",
            Le,
            "#{MAY_TINH}",
            High,
            0.0,
            "Số máy tính cài phần mềm phòng chống mã độc lớn hơn tổng số máy tính của cơ quan.",
        ),
        (
            "HOP_TT_LE_HOP",
            "Cuộc họp trực tuyến không vượt quá tổng số cuộc họp",
            "#{HOP_TRUC_TUYEN}",
            Le,
            "#{HOP}",
            High,
            0.0,
            "Số cuộc họp trực tuyến lớn hơn tổng số cuộc họp trong kỳ.",
        ),
        (
            "VB_DT_LE_VB",
            "Văn bản điện tử không vượt quá tổng số văn bản đi",
            "#{VB_DI_DIEN_TU}",
            Le,
            "#{VB_DI}",
            High,
            0.0,
            "Số văn bản đi dạng điện tử lớn hơn tổng số văn bản đi.",
        ),
        (
            "SO_HOA_LE_GQ",
            "Hồ sơ số hóa kết quả không vượt quá số đã giải quyết",
            "#{HS_SO_HOA}",
            Le,
            "#{HS_GIAI_QUYET}",
            Medium,
            0.0,
            "Số hồ sơ có kết quả được số hóa lớn hơn số hồ sơ đã giải quyết.",
        ),
        (
            "HTTT_DUYET_LE_HTTT",
            "Hệ thống được duyệt cấp độ không vượt quá số hệ thống",
            "#{HTTT_CAP_DO}",
            Le,
            "#{HTTT}",
            High,
            0.0,
            "Số hệ thống thông tin được phê duyệt cấp độ lớn hơn số hệ thống đang vận hành.",
        ),
        (
            "CBCC_KNS_LE_CBCC",
            "Cán bộ có kỹ năng số không vượt quá tổng số cán bộ",
            "#{CBCC_KY_NANG_SO}",
            Le,
            "#{CBCC}",
            Medium,
            0.0,
            "Số cán bộ, công chức, viên chức đã bồi dưỡng kỹ năng số lớn hơn tổng số cán bộ, công chức, viên chức.",
        ),
        (
            "TUAN_GQ_LE_TN",
            "Hồ sơ giải quyết trong tuần không vượt quá hồ sơ tiếp nhận",
            "#{TUAN_HS_GIAI_QUYET}",
            Le,
            "#{TUAN_HS_TIEP_NHAN}",
            High,
            0.0,
            "Số hồ sơ đã giải quyết trong tuần lớn hơn số hồ sơ tiếp nhận trong tuần.",
        ),
        (
            "TUAN_DH_TH_LE_GQ",
            "Đúng hạn + trễ hạn trong tuần không vượt quá số đã giải quyết",
            "#{TUAN_HS_DUNG_HAN} + #{TUAN_HS_TRE_HAN}",
            Le,
            "#{TUAN_HS_GIAI_QUYET}",
            High,
            0.0,
            "Tổng số hồ sơ đúng hạn và trễ hạn trong tuần lớn hơn số hồ sơ đã giải quyết.",
        ),
        (
            "DVCTT_LE_TTHC",
            "DVCTT toàn trình không vượt quá số TTHC đủ điều kiện",
            "#{DVCTT_TOAN_TRINH}",
            Le,
            "#{TTHC_DU_DK}",
            High,
            0.0,
            "Số dịch vụ công trực tuyến toàn trình lớn hơn số thủ tục hành chính đủ điều kiện.",
        ),
        (
            "PA1022_XL_LE_TN",
            "Phản ánh 1022 đã xử lý không vượt quá số tiếp nhận",
            "#{PA_1022_XU_LY}",
            Le,
            "#{PA_1022_TIEP_NHAN}",
            Medium,
            0.0,
            "Số phản ánh qua Tổng đài 1022 đã xử lý lớn hơn số phản ánh được chuyển đến.",
        ),
    ];
    rows.iter()
        .map(|&(code, name, left, operator, right, importance, tolerance, message)| ValidationRule {
            code: c(code),
            name: name.into(),
            left: x(left),
            operator,
            right: x(right),
            importance,
            message: message.into(),
            tolerance,
            missing: MissingValues::SkipIfAnyMissing,
            period_type: None,
        })
        .collect()
}

pub(crate) fn forms() -> Vec<ReportForm> {
    let section =
        |name: &str, els: &[&str]| FormSection { name: name.into(), elements: els.iter().map(|e| c(e)).collect() };
    let weekly = ReportForm {
        code: c(WEEKLY),
        name: "Báo cáo tuần tình hình chuyển đổi số".into(),
        period_type: PeriodType::Weekly(WeekStart::Saturday),
        cutoff: CutoffRule::Calendar,
        due: DueRule::WorkingDaysAfter(2),
        sections: vec![
            section("Dịch vụ công trực tuyến", &[el::PROCEDURES, el::FULL_ONLINE]),
            section(
                "Hồ sơ thủ tục hành chính trong tuần",
                &[el::W_RECEIVED, el::W_RESOLVED, el::W_ON_TIME, el::W_LATE],
            ),
            section("Tổng đài 1022", &[el::HOTLINE_RECEIVED, el::HOTLINE_HANDLED]),
            section("Định danh điện tử", &[el::VNEID]),
            section("An toàn thông tin", &[el::MALWARE]),
        ],
        narratives: default_narratives(),
        units: vec![],
        unit_groups: vec![c("SO_NGANH"), c("UBND_HUYEN")],
    };
    let monthly = ReportForm {
        code: c(MONTHLY),
        name: "Báo cáo tháng kết quả thực hiện chuyển đổi số".into(),
        period_type: PeriodType::Monthly,
        cutoff: CutoffRule::Decree09,
        due: DueRule::DayOfMonth { day: 25, months_after: 0 },
        sections: vec![
            section(
                "Giải quyết thủ tục hành chính",
                &[el::RECEIVED, el::RESOLVED, el::ON_TIME, el::LATE, el::LATE_RATE_STATED, el::DIGITISED, el::PAYMENTS],
            ),
            section(
                "Điều hành, văn bản",
                &[el::MEETINGS, el::MEETINGS_ONLINE, el::DOCUMENTS, el::DOCUMENTS_ELECTRONIC],
            ),
            section("Nhân lực số", &[el::STAFF, el::STAFF_TRAINED, el::TRAINEES]),
            section(
                "Hạ tầng và an toàn thông tin",
                &[el::COMPUTERS, el::ANTI_MALWARE, el::SYSTEMS, el::SYSTEMS_APPROVED],
            ),
            section("Dữ liệu số", &[el::OPEN_DATA]),
            section("Kinh tế số, xã hội số", &[el::ECOMMERCE_SME, el::TEAM_MEMBERS, el::TEAM_ACTIVITIES]),
        ],
        narratives: default_narratives(),
        units: vec![],
        unit_groups: vec![c("SO_NGANH"), c("UBND_HUYEN"), c("UBND_XA")],
    };
    vec![weekly, monthly]
}
