//! The information systems of Tỉnh Hòa Lâm and their security-level dossiers
//! (Nghị định 85/2016/NĐ-CP): 44 systems of 15 departments and the 10
//! districts, levels mostly 2 and 3, four of level 4 (the provincial data
//! centre, the wide-area network, the administrative-procedures system and
//! the police's surveillance cameras), levels 1 for the small portals.
//!
//! The story, for `today` = 23/11/2026 (dates are offsets from `today`'s
//! year; a step dated after `today` is not in the register yet):
//! 42 dossiers from 23 units — 28 approved (6 of them after a return for
//! more information), 10 pending (5 under appraisal, among them the cameras
//! at the ministry; 3 just submitted; 2 resubmitted after a return) and 4
//! returned (the video-conferencing system, electronic health records, the
//! land database and the building-permit system), so the report says
//! "23 đơn vị, 42 bộ hồ sơ: 28 đã phê duyệt, 10 chờ phê duyệt, 4 cần bổ
//! sung". The tourism portal of Sở VHTT&DL and the LAN of Suối Mây have no
//! dossier yet.

use crate::rng::{Rng, rng_for};
use chiso_core::code::Code;
use chiso_core::register::{Dossier, DossierStatus, DossierStep, InformationSystem};
use chrono::{Datelike, Days, NaiveDate};

/// How a system's dossier goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Story {
    /// Appraised and approved.
    Approved,
    /// Returned once, resubmitted, approved.
    ReturnedThenApproved,
    /// Under appraisal.
    Appraising,
    /// Submitted, nothing since.
    Submitted,
    /// Returned for more information, not resubmitted yet.
    Returned,
    /// Returned, resubmitted, waiting.
    Resubmitted,
    /// No dossier yet.
    NoDossier,
}
use Story::{Appraising, Approved, NoDossier, Resubmitted, Returned, ReturnedThenApproved, Submitted};

/// (code, name, owner, purpose, level, in operation since (year offset, month), story, submitted (year offset, month, day)).
type S = (&'static str, &'static str, &'static str, &'static str, u8, Option<(i32, u32)>, Story, (i32, u32, u32));

#[rustfmt::skip]
const SYSTEMS: &[S] = &[
    ("HT_LGSP", "Nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP)", "SO_KHCN", "Kết nối, chia sẻ dữ liệu giữa các hệ thống của tỉnh và với các hệ thống quốc gia", 3, Some((-4, 6)), Approved, (-2, 5, 10)),
    ("HT_TTDL", "Trung tâm dữ liệu tỉnh Hòa Lâm", "SO_KHCN", "Hạ tầng máy chủ, lưu trữ, bảo mật dùng chung cho các hệ thống thông tin của tỉnh", 4, Some((-6, 1)), Approved, (-1, 3, 2)),
    ("HT_IOC", "Trung tâm giám sát, điều hành thông minh (IOC)", "SO_KHCN", "Giám sát, điều hành các lĩnh vực giao thông, môi trường, y tế, giáo dục", 3, Some((-2, 9)), ReturnedThenApproved, (-1, 9, 15)),
    ("HT_EMAIL", "Hệ thống thư điện tử công vụ tỉnh", "SO_KHCN", "Thư điện tử cho cán bộ, công chức, viên chức", 3, Some((-8, 3)), Approved, (-2, 4, 8)),
    ("HT_WAN", "Mạng diện rộng (WAN) và mạng truyền số liệu chuyên dùng của tỉnh", "SO_KHCN", "Kết nối các cơ quan nhà nước ba cấp", 4, Some((-7, 1)), Approved, (-2, 6, 20)),
    ("HT_HNTH", "Hệ thống hội nghị truyền hình trực tuyến ba cấp", "SO_KHCN", "Họp trực tuyến từ tỉnh đến cấp xã", 2, Some((-3, 4)), Returned, (0, 9, 22)),
    ("HT_QLVB", "Hệ thống quản lý văn bản và điều hành (e-Office)", "VP_UBND", "Quản lý văn bản, hồ sơ công việc, ký số và liên thông văn bản ba cấp", 3, Some((-1, 7)), Approved, (-2, 3, 14)),
    ("HT_TTHC", "Hệ thống thông tin giải quyết thủ tục hành chính tỉnh", "VP_UBND", "Cổng dịch vụ công và một cửa điện tử của tỉnh", 4, Some((-5, 10)), ReturnedThenApproved, (-1, 5, 6)),
    ("HT_CONG_TTDT", "Cổng thông tin điện tử tỉnh Hòa Lâm", "VP_UBND", "Công bố thông tin chỉ đạo, điều hành và văn bản của tỉnh", 3, Some((-9, 1)), Approved, (-2, 8, 1)),
    ("HT_BC_KTXH", "Hệ thống thông tin báo cáo kinh tế - xã hội", "VP_UBND", "Tổng hợp báo cáo định kỳ của các sở, ngành, địa phương", 2, Some((-2, 1)), Appraising, (0, 10, 20)),
    ("HT_CAMERA", "Hệ thống camera giám sát an ninh, trật tự và an toàn giao thông", "CA_TINH", "Giám sát an ninh, trật tự tại các nút giao và tuyến quốc lộ", 4, Some((0, 6)), Appraising, (0, 8, 4)),
    ("HT_XLVP", "Hệ thống xử lý vi phạm trật tự an toàn giao thông qua hình ảnh", "CA_TINH", "Phát hiện, xử lý vi phạm giao thông từ dữ liệu camera", 3, Some((-1, 3)), Approved, (-1, 7, 12)),
    ("HT_NGAN_SACH", "Hệ thống quản lý ngân sách và thanh toán điện tử", "SO_TC", "Lập, phân bổ, theo dõi dự toán ngân sách", 3, Some((-4, 1)), Approved, (-1, 4, 3)),
    ("HT_TAI_SAN", "Cơ sở dữ liệu tài sản công của tỉnh", "SO_TC", "Quản lý tài sản công của các cơ quan, đơn vị", 2, Some((-3, 7)), Resubmitted, (0, 7, 1)),
    ("HT_HO_TICH", "Cơ sở dữ liệu hộ tịch điện tử tỉnh Hòa Lâm", "SO_TP", "Số hóa sổ hộ tịch, kết nối Cơ sở dữ liệu quốc gia về dân cư", 3, Some((0, 5)), ReturnedThenApproved, (0, 1, 12)),
    ("HT_LLTP", "Phần mềm quản lý lý lịch tư pháp", "SO_TP", "Tiếp nhận, cấp phiếu lý lịch tư pháp trực tuyến", 3, Some((-3, 2)), Approved, (-1, 10, 5)),
    ("HT_HIS", "Hệ thống thông tin bệnh viện (HIS) Bệnh viện Đa khoa tỉnh", "SO_YT", "Quản lý khám, chữa bệnh và thanh toán bảo hiểm y tế", 3, Some((-5, 1)), Approved, (-1, 6, 18)),
    ("HT_HSSK", "Hệ thống hồ sơ sức khỏe điện tử", "SO_YT", "Hồ sơ sức khỏe điện tử của người dân trên địa bàn tỉnh", 3, Some((-1, 10)), Returned, (0, 9, 8)),
    ("HT_PACS", "Hệ thống lưu trữ và truyền hình ảnh y tế (PACS)", "SO_YT", "Lưu trữ, chia sẻ hình ảnh chẩn đoán giữa các bệnh viện", 2, Some((0, 3)), Submitted, (0, 11, 10)),
    ("HT_QL_TRUONG", "Hệ thống quản lý trường học", "SO_GDDT", "Quản lý học sinh, giáo viên, sổ điểm điện tử", 2, Some((-3, 8)), Approved, (-1, 8, 20)),
    ("HT_TUYEN_SINH", "Hệ thống tuyển sinh đầu cấp trực tuyến", "SO_GDDT", "Tuyển sinh lớp 1, lớp 6 và lớp 10 trực tuyến", 2, Some((-1, 5)), ReturnedThenApproved, (0, 3, 3)),
    ("HT_CBCC", "Cơ sở dữ liệu cán bộ, công chức, viên chức", "SO_NV", "Quản lý hồ sơ cán bộ, công chức, viên chức của tỉnh", 3, Some((-4, 4)), Approved, (-2, 9, 9)),
    ("HT_THI_DUA", "Phần mềm quản lý thi đua, khen thưởng", "SO_NV", "Tiếp nhận, xét duyệt hồ sơ thi đua, khen thưởng", 2, Some((0, 2)), Appraising, (0, 10, 28)),
    ("HT_DAT_DAI", "Cơ sở dữ liệu đất đai tỉnh Hòa Lâm", "SO_NNMT", "Hồ sơ địa chính, biến động đất đai, cung cấp thông tin đất đai", 3, Some((-1, 12)), Returned, (0, 8, 25)),
    ("HT_QUAN_TRAC", "Hệ thống quan trắc môi trường tự động", "SO_NNMT", "Thu nhận số liệu quan trắc nước, không khí tự động", 2, Some((-2, 6)), Approved, (-1, 11, 4)),
    ("HT_QUY_HOACH", "Hệ thống thông tin quy hoạch xây dựng", "SO_XD", "Công bố thông tin quy hoạch trực tuyến", 2, Some((-1, 9)), Resubmitted, (0, 6, 16)),
    ("HT_CAP_PHEP", "Hệ thống quản lý cấp phép xây dựng", "SO_XD", "Tiếp nhận, giải quyết hồ sơ cấp phép xây dựng", 2, Some((0, 4)), Returned, (0, 10, 1)),
    ("HT_SAN_TMDT", "Sàn thương mại điện tử tỉnh Hòa Lâm", "SO_CT", "Quảng bá, giao dịch sản phẩm OCOP và nông sản của tỉnh", 2, Some((-1, 11)), Approved, (0, 2, 20)),
    ("HT_DU_LICH", "Cổng du lịch thông minh Hòa Lâm", "SO_VHTTDL", "Thông tin, bản đồ và đặt dịch vụ du lịch", 2, None, NoDossier, (0, 1, 1)),
    ("HT_CONG_KCN", "Cổng thông tin điện tử Ban Quản lý các khu công nghiệp", "BQL_KCN", "Thông tin đầu tư, thủ tục cho doanh nghiệp khu công nghiệp", 1, Some((-5, 3)), Approved, (-1, 5, 25)),
    ("HT_BAO_DT", "Báo điện tử Hòa Lâm", "BAO_PTTH", "Xuất bản báo điện tử và phát thanh, truyền hình trực tuyến", 2, Some((-6, 9)), Approved, (0, 4, 14)),
    ("HT_CONG_DTTG", "Trang thông tin điện tử Sở Dân tộc và Tôn giáo", "SO_DTTG", "Công bố thông tin, chính sách dân tộc, tôn giáo", 1, Some((0, 3)), Submitted, (0, 11, 3)),
    ("HT_MC_TP", "Bộ phận một cửa điện tử thành phố Hòa Lâm", "TP_HOA_LAM", "Tiếp nhận, trả kết quả thủ tục hành chính cấp huyện, cấp xã", 2, Some((-4, 1)), Approved, (-1, 4, 16)),
    ("HT_DTTM_TP", "Nền tảng đô thị thông minh thành phố Hòa Lâm", "TP_HOA_LAM", "Chiếu sáng, bãi đỗ xe thông minh và phản ánh hiện trường", 3, Some((0, 3)), ReturnedThenApproved, (0, 2, 9)),
    ("HT_MC_BS", "Bộ phận một cửa điện tử thị xã Bình Sơn", "TX_BINH_SON", "Tiếp nhận, trả kết quả thủ tục hành chính cấp huyện, cấp xã", 2, Some((-4, 1)), Approved, (-1, 6, 2)),
    ("HT_GIS_AP", "Cơ sở dữ liệu GIS hạ tầng huyện An Phú", "H_AN_PHU", "Dữ liệu đất đai, giao thông, cấp thoát nước của huyện", 2, Some((0, 9)), Appraising, (0, 10, 12)),
    ("HT_MC_AP", "Bộ phận một cửa điện tử huyện An Phú", "H_AN_PHU", "Tiếp nhận, trả kết quả thủ tục hành chính cấp huyện, cấp xã", 2, Some((-4, 1)), Approved, (-1, 9, 28)),
    ("HT_CONG_DH", "Cổng thông tin điện tử huyện Đông Hòa", "H_DONG_HOA", "Công bố thông tin của huyện", 1, Some((-6, 5)), Approved, (0, 3, 19)),
    ("HT_MC_TT", "Bộ phận một cửa điện tử huyện Tân Thạnh", "H_TAN_THANH", "Tiếp nhận, trả kết quả thủ tục hành chính cấp huyện, cấp xã", 2, Some((-4, 1)), Approved, (0, 5, 7)),
    ("HT_CONG_PL", "Cổng thông tin điện tử huyện Phú Lộc", "H_PHU_LOC", "Công bố thông tin của huyện", 2, Some((-6, 2)), ReturnedThenApproved, (0, 4, 2)),
    ("HT_CONG_VX", "Cổng thông tin điện tử huyện Vĩnh Xuân", "H_VINH_XUAN", "Công bố thông tin của huyện", 1, Some((-6, 8)), Approved, (0, 6, 11)),
    ("HT_MC_TB", "Bộ phận một cửa điện tử huyện Thạch Bàn", "H_THACH_BAN", "Tiếp nhận, trả kết quả thủ tục hành chính cấp huyện, cấp xã", 2, Some((-4, 1)), Appraising, (0, 11, 2)),
    ("HT_CONG_NL", "Cổng thông tin điện tử huyện Ngọc Lâm", "H_NGOC_LAM", "Công bố thông tin của huyện", 1, Some((-5, 10)), Submitted, (0, 11, 17)),
    ("HT_LAN_SM", "Mạng nội bộ (LAN) UBND huyện Suối Mây", "H_SUOI_MAY", "Kết nối các phòng, ban và mạng truyền số liệu chuyên dùng", 2, Some((-2, 8)), NoDossier, (0, 1, 1)),
];

/// What a returned dossier lacks.
const MISSING: &[&str] = &[
    "thiếu phương án bảo đảm an toàn thông tin theo cấp độ",
    "thiếu thuyết minh đề xuất cấp độ và sơ đồ thiết kế, kiến trúc hệ thống",
    "thiếu ý kiến thẩm định của đơn vị chuyên trách về an toàn thông tin",
    "phương án bảo đảm an toàn thông tin chưa đáp ứng yêu cầu cơ bản theo TCVN 11930:2017",
    "thiếu quy chế bảo đảm an toàn thông tin và danh mục thiết bị của hệ thống",
];

fn c(s: &str) -> Code {
    Code::new(s).unwrap_or_else(|e| panic!("{e}"))
}

/// The systems and the dossiers as of `today`.
pub(crate) fn build(today: NaiveDate) -> (Vec<InformationSystem>, Vec<Dossier>) {
    let y = today.year();
    let date = |off: i32, m: u32, day: u32| NaiveDate::from_ymd_opt(y + off, m, day).expect("valid date");
    let systems = SYSTEMS
        .iter()
        .map(|&(code, name, owner, purpose, level, since, _, _)| InformationSystem {
            code: c(code),
            name: name.into(),
            owner: c(owner),
            purpose: purpose.into(),
            level,
            in_operation_since: since.map(|(off, m)| date(off, m, 1)),
            note: None,
        })
        .collect();
    let dossiers = SYSTEMS
        .iter()
        .filter(|s| s.6 != NoDossier)
        .filter_map(|&(code, _, _, _, level, _, story, (off, m, day))| {
            let submitted = date(off, m, day);
            (submitted <= today).then(|| dossier(code, level, story, submitted, today))
        })
        .collect();
    (systems, dossiers)
}

fn dossier(system: &str, level: u8, story: Story, submitted: NaiveDate, today: NaiveDate) -> Dossier {
    let mut rng = rng_for(&["security", system]);
    let after = |d: NaiveDate, rng: &mut Rng, lo: i64, hi: i64| d + Days::new(rng.between(lo, hi) as u64);
    let step = |date: NaiveDate, status: DossierStatus| DossierStep {
        date,
        status,
        missing: None,
        decision: None,
        note: None,
    };
    let mut steps = Vec::new();
    let appraisal = after(submitted, &mut rng, 5, 10);
    let appraisal_note = if level >= 4 {
        "Đã gửi Bộ thẩm định hồ sơ đề xuất cấp độ 4"
    } else {
        "Sở Khoa học và Công nghệ (đơn vị chuyên trách về an toàn thông tin) thẩm định"
    };
    if story != Submitted {
        steps.push(DossierStep { note: Some(appraisal_note.into()), ..step(appraisal, DossierStatus::UnderAppraisal) });
    }
    let mut last = appraisal;
    if matches!(story, Returned | Resubmitted | ReturnedThenApproved) {
        last = after(last, &mut rng, 12, 24);
        let missing = MISSING[rng.below(MISSING.len())];
        steps.push(DossierStep { missing: Some(missing.into()), ..step(last, DossierStatus::Returned) });
        if story != Returned {
            last = after(last, &mut rng, 20, 35);
            steps.push(step(last, DossierStatus::Resubmitted));
        }
    }
    if matches!(story, Approved | ReturnedThenApproved) {
        last = if level >= 4 { after(last, &mut rng, 50, 80) } else { after(last, &mut rng, 18, 40) };
        // The owner's side decides: UBND tỉnh for the province's systems, UBND huyện for a district's.
        let number = format!("{}/QĐ-UBND", rng.between(120, 2480));
        steps.push(DossierStep { decision: Some(number), ..step(last, DossierStatus::Approved) });
    }
    steps.retain(|s| s.date <= today);
    Dossier { code: c(&format!("HS_{}", &system[3..])), system: c(system), submitted, history: steps, note: None }
}

#[cfg(test)]
mod tests {
    use crate::{default_today, metadata, registers};
    use chiso_core::metadata::Model;
    use chiso_core::register::security::{counts, counts_by_level, counts_by_state, standings};
    use chiso_core::register::{DossierCounts, DossierState};
    use chrono::NaiveDate;

    #[test]
    fn the_dossiers_tell_the_story() {
        let today = default_today();
        assert_eq!(today, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        let reg = registers(today);
        reg.validate(&Model::new(metadata(today)).unwrap()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((reg.systems.len(), reg.dossiers.len()), (44, 42));
        // Every step of the story has happened by the demo day.
        let steps: usize = reg.dossiers.iter().map(|d| d.history.len()).sum();
        let st = standings(&reg, today);
        let c = counts(&st);
        assert_eq!(c, DossierCounts { units: 23, dossiers: 42, approved: 28, pending: 10, returned: 4 });
        assert_eq!(c.sentence(), "23 đơn vị, 42 bộ hồ sơ: 28 đã phê duyệt, 10 chờ phê duyệt, 4 cần bổ sung");
        assert!(steps > 80, "{steps}");
        let by_state: Vec<(DossierState, usize)> =
            counts_by_state(&st).into_iter().map(|(k, c)| (k, c.dossiers)).collect();
        assert_eq!(by_state, [(DossierState::Approved, 28), (DossierState::Pending, 10), (DossierState::Returned, 4)]);
        let levels: Vec<(Option<u8>, usize)> = counts_by_level(&st).into_iter().map(|(k, c)| (k, c.dossiers)).collect();
        assert_eq!(levels, [(Some(1), 5), (Some(2), 19), (Some(3), 14), (Some(4), 4)]);
        // The returned ones say what is missing; the approved ones name their decision.
        for s in &st {
            match s.state {
                DossierState::Returned => {
                    assert!(s.missing.is_some_and(|m| m.starts_with("thiếu") || m.contains("TCVN")))
                }
                DossierState::Approved => assert!(s.decision.is_some_and(|n| n.ends_with("/QĐ-UBND"))),
                DossierState::Pending => {}
            }
        }
    }

    #[test]
    fn earlier_days_see_fewer_dossiers_and_fewer_approvals() {
        let reg = registers(default_today());
        let mid_year = counts(&standings(&reg, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()));
        let now = counts(&standings(&reg, default_today()));
        assert!(mid_year.dossiers < now.dossiers && mid_year.approved < now.approved, "{mid_year:?}");
        // The register built on an earlier day holds what was known then.
        let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        assert_eq!(counts(&standings(&registers(day), day)), mid_year);
    }
}
