//! The narrative parts of departments' and districts' monthly reports:
//! results (Kết quả), difficulties (Khó khăn) and proposals (Đề xuất), drawn
//! from pools of plausible sentences and filled with the report's figures.

use crate::catalog::{ONLINE, el};
use crate::data::{Fig, get, total};
use crate::org::{COORDINATOR, Profile, Tier};
use crate::rng::Rng;
use chiso_core::code::Code;
use chiso_core::form::ReportForm;
use chiso_core::number::{format_integer, format_percent};
use chiso_core::period::Period;
use chiso_core::value::Narrative;

struct Figures {
    received: f64,
    online: f64,
    resolved: f64,
    late: f64,
    digitised: f64,
    meetings: f64,
    meetings_online: f64,
    documents_electronic: f64,
    trainees: f64,
    computers: f64,
    protected: f64,
    activities: f64,
}

fn n(x: f64) -> String {
    format_integer(x as i64)
}
fn pct(part: f64, whole: f64) -> String {
    if whole > 0.0 { format_percent(part / whole * 100.0, 2) } else { "—".into() }
}

fn results(i: usize, f: &Figures, tier: Tier) -> Option<String> {
    let has_dossiers = f.received > 0.0;
    Some(match i {
        0 if has_dossiers => format!(
            "Trong kỳ, đơn vị tiếp nhận {} hồ sơ thủ tục hành chính, trong đó {} hồ sơ trực tuyến (chiếm {}); đã giải quyết {} hồ sơ, tỷ lệ đúng hạn đạt {}.",
            n(f.received),
            n(f.online),
            pct(f.online, f.received),
            n(f.resolved),
            pct(f.resolved - f.late, f.resolved)
        ),
        1 if has_dossiers => format!(
            "Tiếp tục tiếp nhận, giải quyết hồ sơ trên Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh; tỷ lệ hồ sơ giải quyết đúng hạn đạt {}, tỷ lệ hồ sơ nộp trực tuyến đạt {}.",
            pct(f.resolved - f.late, f.resolved),
            pct(f.online, f.received)
        ),
        2 => format!(
            "Tổ chức {}/{} cuộc họp theo hình thức trực tuyến; {} văn bản đi được ký số và gửi trên môi trường mạng.",
            n(f.meetings_online),
            n(f.meetings),
            n(f.documents_electronic)
        ),
        3 if f.trainees > 0.0 => format!(
            "Tổ chức tập huấn, hướng dẫn kỹ năng số cho {} lượt cán bộ, công chức và người dân.",
            n(f.trainees)
        ),
        4 if f.protected >= f.computers => {
            "100% máy tính của cơ quan được cài đặt phần mềm phòng chống mã độc tập trung, kết nối với hệ thống giám sát của tỉnh.".into()
        }
        4 => format!(
            "{} máy tính (đạt {}) được cài đặt phần mềm phòng chống mã độc; số máy còn lại đang được rà soát, cài đặt bổ sung.",
            n(f.protected),
            pct(f.protected, f.computers)
        ),
        5 if f.digitised > 0.0 => format!(
            "Số hóa kết quả giải quyết thủ tục hành chính cho {} hồ sơ; tiếp tục làm sạch dữ liệu, đồng bộ với Cơ sở dữ liệu quốc gia về dân cư.",
            n(f.digitised)
        ),
        6 if tier == Tier::District && f.activities > 0.0 => format!(
            "Tổ công nghệ số cộng đồng trên địa bàn tổ chức {} hoạt động hỗ trợ người dân cài đặt VNeID, thanh toán không dùng tiền mặt và sử dụng dịch vụ công trực tuyến.",
            n(f.activities)
        ),
        7 => "Hưởng ứng phong trào \"Bình dân học vụ số\", phối hợp các doanh nghiệp viễn thông hướng dẫn người dân sử dụng các nền tảng số thiết yếu.".into(),
        8 if has_dossiers => "Cập nhật, công khai đầy đủ thủ tục hành chính trên Cổng Dịch vụ công; rà soát, tái cấu trúc quy trình để cung cấp dịch vụ công trực tuyến toàn trình.".into(),
        9 if f.late > 0.0 => format!(
            "Đã giải quyết {} hồ sơ, trong đó {} hồ sơ trễ hạn (chiếm {}); đơn vị đã gửi thư xin lỗi tổ chức, cá nhân theo quy định.",
            n(f.resolved),
            n(f.late),
            pct(f.late, f.resolved)
        ),
        _ => return None,
    })
}

fn difficulties(i: usize, f: &Figures, tier: Tier) -> Option<String> {
    Some(match i {
        0 if f.received > 0.0 && f.online < 0.5 * f.received => format!(
            "Tỷ lệ người dân nộp hồ sơ trực tuyến còn thấp ({}), chủ yếu do người dân chưa quen thao tác và còn ngại thanh toán trực tuyến.",
            pct(f.online, f.received)
        ),
        1 => "Đường truyền Internet tại bộ phận một cửa có thời điểm bị gián đoạn, ảnh hưởng đến việc tiếp nhận và trả kết quả.".into(),
        2 if f.received > 0.0 => "Một số hệ thống chuyên ngành của bộ, ngành chưa kết nối, đồng bộ với Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh, cán bộ phải nhập liệu hai lần.".into(),
        3 => "Nhân lực công nghệ thông tin còn thiếu, chủ yếu kiêm nhiệm; chưa có cán bộ chuyên trách an toàn thông tin.".into(),
        4 => "Một số máy tính, máy quét đã xuống cấp, tốc độ xử lý chậm, chưa đáp ứng yêu cầu số hóa hồ sơ.".into(),
        5 if tier == Tier::District => "Kinh phí cho hoạt động của Tổ công nghệ số cộng đồng chưa được bố trí, thành viên chủ yếu hoạt động tình nguyện.".into(),
        6 if f.late > 0.0 => format!(
            "Còn {} hồ sơ giải quyết trễ hạn, tập trung ở các lĩnh vực đất đai, xây dựng do phải xác minh, lấy ý kiến nhiều cơ quan.",
            n(f.late)
        ),
        7 if f.digitised > 0.0 => "Dữ liệu số hóa chưa được làm sạch, chưa khai thác, tái sử dụng được cho các thủ tục tiếp theo.".into(),
        8 => "Chứng thư số cá nhân cấp cho cán bộ chưa đủ, một số văn bản vẫn phải gửi kèm bản giấy.".into(),
        9 if tier == Tier::District => "Người dân vùng sâu, vùng xa còn hạn chế về kỹ năng số và thiết bị thông minh.".into(),
        _ => return None,
    })
}

fn proposals(i: usize, f: &Figures, tier: Tier, coordinator: bool) -> Option<String> {
    Some(match i {
        0 if !coordinator => "Đề nghị Sở Khoa học và Công nghệ nâng cấp đường truyền mạng truyền số liệu chuyên dùng cho đơn vị.".into(),
        1 => "Đề nghị UBND tỉnh bố trí kinh phí mua sắm, thay thế máy tính, máy quét cho bộ phận một cửa.".into(),
        2 => "Đề nghị tổ chức các lớp tập huấn chuyên sâu về an toàn thông tin cho cán bộ phụ trách công nghệ thông tin.".into(),
        3 if tier == Tier::District => "Đề nghị Sở Tài chính hướng dẫn cơ chế chi hỗ trợ hoạt động của Tổ công nghệ số cộng đồng.".into(),
        4 if f.received > 0.0 => "Đề nghị các bộ, ngành sớm kết nối hệ thống chuyên ngành với Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh.".into(),
        5 if tier == Tier::District => "Đề nghị Công an tỉnh hỗ trợ đẩy mạnh kích hoạt tài khoản định danh điện tử mức 2 cho người dân trên địa bàn.".into(),
        6 => "Đề nghị cấp bổ sung chứng thư số cá nhân cho cán bộ, công chức mới được tuyển dụng.".into(),
        7 if !coordinator => "Đề nghị Sở Khoa học và Công nghệ tiếp tục hỗ trợ kỹ thuật triển khai nền tảng dữ liệu mở của tỉnh.".into(),
        8 if f.received > 0.0 => "Kiến nghị miễn, giảm phí, lệ phí khi người dân nộp hồ sơ trực tuyến để khuyến khích sử dụng dịch vụ công trực tuyến.".into(),
        9 if f.received > 0.0 => "Đề nghị Văn phòng UBND tỉnh chủ trì rà soát, bổ sung danh mục thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình.".into(),
        _ => return None,
    })
}

/// Up to `k` distinct sentences from a pool of ten, in pool order.
fn draw(rng: &mut Rng, k: usize, mut make: impl FnMut(usize) -> Option<String>) -> Option<String> {
    let mut picked: Vec<usize> = Vec::new();
    for _ in 0..20 {
        if picked.len() == k {
            break;
        }
        let i = rng.below(10);
        if !picked.contains(&i) && make(i).is_some() {
            picked.push(i);
        }
    }
    picked.sort_unstable();
    let text: Vec<String> = picked.into_iter().filter_map(&mut make).collect();
    (!text.is_empty()).then(|| text.join(" "))
}

/// The narrative sections of one monthly report, or none (not every unit
/// writes every month).
pub(crate) fn write(form: &ReportForm, period: &Period, prof: &Profile, figs: &[Fig], rng: &mut Rng) -> Vec<Narrative> {
    let p_write = if prof.habit.is_late_kind() { 0.3 } else { 0.55 };
    if !rng.chance(p_write) {
        return Vec::new();
    }
    let v = |e: &str| get(figs, e, None).unwrap_or(0.0);
    let f = Figures {
        received: total(figs, el::RECEIVED),
        online: get(figs, el::RECEIVED, Some(ONLINE)).unwrap_or(0.0),
        resolved: v(el::RESOLVED),
        late: v(el::LATE),
        digitised: v(el::DIGITISED),
        meetings: v(el::MEETINGS),
        meetings_online: v(el::MEETINGS_ONLINE),
        documents_electronic: v(el::DOCUMENTS_ELECTRONIC),
        trainees: v(el::TRAINEES),
        computers: v(el::COMPUTERS),
        protected: v(el::ANTI_MALWARE),
        activities: v(el::TEAM_ACTIVITIES),
    };
    let tier = prof.tier;
    let coordinator = prof.code.as_str() == COORDINATOR;
    let mut out = Vec::new();
    let mut push = |section: &str, text: Option<String>| {
        if let Some(text) = text {
            out.push(Narrative {
                form: form.code.clone(),
                period: *period,
                unit: prof.code.clone(),
                section: Code::new(section).expect("section code"),
                text,
            });
        }
    };
    let k = 1 + rng.below(2);
    push("KET_QUA", draw(rng, k, |i| results(i, &f, tier)));
    if rng.chance(0.75) {
        push("KHO_KHAN", draw(rng, 1, |i| difficulties(i, &f, tier)));
    }
    if rng.chance(0.6) {
        push("DE_XUAT", draw(rng, 1, |i| proposals(i, &f, tier, coordinator)));
    }
    out
}
