//! The demo's digital-transformation index: the built-in provincial template
//! (`builtin_provincial`) adapted to the demo's own elements and indicators,
//! one per year (`DTI_2025`, `DTI_2026`), comparing departments (SO_NGANH),
//! districts (UBND_HUYEN) and communes (UBND_XA). Components the demo's figures do not measure are
//! `assessed`; each unit of those groups gets a deterministic assessors'
//! score for each of them and each year.

use crate::org::{COORDINATOR, Org};
use crate::rng::rng_for;
use chiso_core::Code;
use chiso_core::expr::ElementRef;
use chiso_core::index::{Index, Node, Normalise, Scoring, Source, builtin_provincial};
use chiso_core::period::Period;
use chiso_core::register::IndexAssessment;
use chrono::NaiveDate;

fn c(s: &str) -> Code {
    Code::new(s).unwrap_or_else(|e| panic!("{e}"))
}

/// The groups the demo index compares.
pub const INDEX_GROUPS: [&str; 3] = ["SO_NGANH", "UBND_HUYEN", "UBND_XA"];

/// How a measured component is taken from the demo's figures.
enum M {
    /// indicator, target, lower is better
    Ind(&'static str, f64, bool),
    /// element, min–max, lower is better
    El(&'static str, bool),
    Assessed,
}

/// (template component, demo code, demo name, scoring); components of the
/// template not listed keep their code and name and are assessed.
#[rustfmt::skip]
const ADAPT: &[(&str, &str, &str, M)] = &[
    ("HT_CAP_QUANG", "HT_PCMD", "Tỷ lệ máy tính được cài đặt phần mềm phòng chống mã độc", M::Ind("TL_PCMD", 100.0, false)),
    ("HT_4G", "HT_HOP_TRUC_TUYEN", "Tỷ lệ cuộc họp được tổ chức trực tuyến", M::Ind("TL_HOP_TRUC_TUYEN", 60.0, false)),
    ("NL_CHUYEN_TRACH", "NL_CHUYEN_TRACH", "Có cán bộ chuyên trách công nghệ thông tin", M::Assessed),
    ("NL_BOI_DUONG", "NL_BOI_DUONG", "Tỷ lệ cán bộ, công chức, viên chức được bồi dưỡng kỹ năng số", M::Ind("TL_CB_KY_NANG_SO", 80.0, false)),
    ("NL_PHO_CAP", "NL_TAP_HUAN", "Số lượt người được tập huấn, bồi dưỡng kỹ năng số", M::El("DAO_TAO_LUOT", false)),
    ("AT_HO_SO_CAP_DO", "AT_HO_SO_CAP_DO", "Tỷ lệ hệ thống thông tin được phê duyệt hồ sơ cấp độ", M::Ind("TL_HTTT_CAP_DO", 100.0, false)),
    ("AT_SU_CO", "AT_MA_DOC", "Số lượt phát hiện mã độc trên máy tính của cơ quan", M::El("MA_DOC", true)),
    ("CQ_TOAN_TRINH", "CQ_TRUC_TUYEN", "Tỷ lệ hồ sơ thủ tục hành chính tiếp nhận trực tuyến", M::Ind("TL_HS_TRUC_TUYEN", 80.0, false)),
    ("CQ_DUNG_HAN", "CQ_DUNG_HAN", "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn", M::Ind("TL_DUNG_HAN", 100.0, false)),
    ("CQ_TRE_HAN", "CQ_TRE_HAN", "Tỷ lệ hồ sơ thủ tục hành chính giải quyết trễ hạn", M::Ind("TL_TRE_HAN", 2.0, true)),
    ("CQ_VAN_BAN_SO", "CQ_VAN_BAN_SO", "Tỷ lệ văn bản đi được gửi dưới dạng điện tử, ký số", M::Ind("TL_VB_DIEN_TU", 100.0, false)),
    ("KT_DOANH_NGHIEP", "KT_TMDT_DN", "Số doanh nghiệp nhỏ và vừa được hỗ trợ tham gia sàn thương mại điện tử", M::El("TMDT_DN", false)),
    ("KT_TMDT", "KT_THANH_TOAN", "Tỷ lệ hồ sơ trực tuyến được thanh toán phí, lệ phí trực tuyến", M::Ind("TL_THANH_TOAN_TT", 50.0, false)),
    ("XH_DINH_DANH", "XH_DINH_DANH", "Số tài khoản định danh điện tử mức 2 kích hoạt mới", M::El("VNEID_MUC2", false)),
    ("XH_THANH_TOAN", "XH_XU_LY_1022", "Tỷ lệ phản ánh qua Tổng đài 1022 được xử lý", M::Ind("TL_XU_LY_1022", 100.0, false)),
];

fn adapt(nodes: &mut [Node]) {
    for n in nodes {
        if n.scoring.is_some() {
            let Some((_, code, name, m)) = ADAPT.iter().find(|a| a.0 == n.code.as_str()) else {
                n.scoring = Some(Scoring::Assessed);
                continue;
            };
            n.code = c(code);
            n.name = (*name).into();
            n.scoring = Some(match *m {
                M::Ind(i, target, lower_is_better) => Scoring::Measured {
                    source: Source::Indicator(c(i)),
                    normalise: Normalise::Target { target, lower_is_better },
                },
                M::El(e, lower_is_better) => Scoring::Measured {
                    source: Source::Element(ElementRef::total(e)),
                    normalise: Normalise::MinMax { lower_is_better },
                },
                M::Assessed => Scoring::Assessed,
            });
        }
        adapt(&mut n.children);
    }
}

/// The demo index of `year` (`DTI_2026`).
pub fn demo_index(year: i32) -> Index {
    let mut ix = builtin_provincial();
    ix.code = c(&format!("DTI_{year}"));
    ix.name = format!("Bộ chỉ số đánh giá chuyển đổi số các cơ quan, địa phương tỉnh Hòa Lâm năm {year}");
    ix.year = year;
    adapt(&mut ix.nodes);
    // Chính quyền số also counts digitised results (the template's 4
    // components at 40/40/30/30 plus 30 + 30 = 200).
    if let Some(cq) = ix.nodes.iter_mut().flat_map(|p| p.children.iter_mut()).find(|m| m.code.as_str() == "CHINH_QUYEN")
    {
        for (n, p) in cq.children.iter_mut().zip([40.0, 40.0, 30.0, 30.0]) {
            n.points = Some(p);
        }
        cq.children.push(Node {
            code: c("CQ_SO_HOA"),
            name: "Tỷ lệ hồ sơ có kết quả giải quyết thủ tục hành chính được số hóa".into(),
            points: Some(30.0),
            weight: None,
            scoring: Some(Scoring::Measured {
                source: Source::Indicator(c("TL_SO_HOA")),
                normalise: Normalise::Target { target: 100.0, lower_is_better: false },
            }),
            children: vec![],
        });
        cq.children.push(Node {
            code: c("CQ_DVCTT"),
            name: "Tỷ lệ thủ tục hành chính đủ điều kiện được cung cấp dịch vụ công trực tuyến toàn trình".into(),
            points: Some(30.0),
            weight: None,
            scoring: Some(Scoring::Measured {
                source: Source::Indicator(c("TL_DVCTT_TOAN_TRINH")),
                normalise: Normalise::Target { target: 100.0, lower_is_better: false },
            }),
            children: vec![],
        });
    }
    ix
}

fn assessed(nodes: &[Node], out: &mut Vec<Code>) {
    for n in nodes {
        if matches!(n.scoring, Some(Scoring::Assessed)) {
            out.push(n.code.clone());
        }
        assessed(&n.children, out);
    }
}

/// The indices of the previous and the current year, and the assessors'
/// scores of every unit of the compared groups existing at the end of each
/// year (the current year's as of `today`: assessed in November).
pub(crate) fn build(org: &Org, today: NaiveDate) -> (Vec<Index>, Vec<IndexAssessment>) {
    use chrono::Datelike;
    let y = today.year();
    let indices = vec![demo_index(y - 1), demo_index(y)];
    let mut out = Vec::new();
    for ix in &indices {
        let period = Period::year(ix.year).expect("year");
        let end = NaiveDate::from_ymd_opt(ix.year, 12, 31).expect("date");
        let mut comps = Vec::new();
        assessed(&ix.nodes, &mut comps);
        for g in org.groups.iter().filter(|g| INDEX_GROUPS.contains(&g.code.as_str())) {
            for m in &g.members {
                let unit = org.units.iter().find(|u| &u.code == m).expect("member");
                if unit.valid_to.is_some_and(|d| d < end) {
                    continue;
                }
                // A unit's standing carries over the years; each score varies around it.
                let standing = rng_for(&["index-standing", m.as_str()]).unit();
                for comp in &comps {
                    let mut rng = rng_for(&["index", &ix.year.to_string(), m.as_str(), comp.as_str()]);
                    let s = (0.45 + 0.4 * standing + 0.3 * (rng.unit() - 0.5)).clamp(0.0, 1.0);
                    let score = (s * 20.0).round() / 20.0;
                    out.push(IndexAssessment {
                        index: ix.code.clone(),
                        period,
                        unit: m.clone(),
                        component: comp.clone(),
                        score,
                        evidence: format!("Biên bản thẩm định kết quả tự đánh giá năm {} của {}", ix.year, unit.name),
                        by: Some(c(COORDINATOR)),
                    });
                }
            }
        }
    }
    (indices, out)
}
