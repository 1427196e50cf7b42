//! The org units of Tỉnh Hòa Lâm and each unit's character: its size, how
//! well it handles dossiers, how punctual its reporter is. The character is
//! what makes rankings and the completeness board tell a story.

use crate::names::{FAMILY, GIVEN, MIDDLE, PLACE_FIRST, PLACE_SECOND, code_part, fold};
use crate::rng::{Rng, rng_for};
use chiso_core::code::Code;
use chiso_core::orgunit::{OrgUnit, OrgUnitGroup, OrgUnitLevel, UnitKind};
use chrono::NaiveDate;

pub(crate) const ROOT: &str = "HL";
pub(crate) const COORDINATOR: &str = "SO_KHCN";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tier {
    Dept,
    District,
    Commune,
}

/// How a unit's reporter keeps deadlines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Habit {
    Punctual,
    Usual,
    /// Late more often than not, sometimes not at all.
    ChronicallyLate,
    /// Chronically late last year, on time since a reminder this year.
    Improving,
    /// Often sends nothing.
    OftenMissing,
}

impl Habit {
    /// (probability late, probability missing) for a report of `year`.
    pub(crate) fn odds(self, current_year: bool, weekly: bool) -> (f64, f64) {
        let (late, missing) = match self {
            Habit::Punctual => (0.01, 0.0),
            Habit::Usual => (0.05, 0.012),
            Habit::ChronicallyLate => (0.62, 0.08),
            Habit::Improving if current_year => (0.07, 0.01),
            Habit::Improving => (0.55, 0.06),
            Habit::OftenMissing => (0.22, 0.33),
        };
        if weekly { (late * 1.2, missing * 1.5) } else { (late, missing) }
    }
    pub(crate) fn is_late_kind(self) -> bool {
        matches!(self, Habit::ChronicallyLate | Habit::OftenMissing)
    }
}

/// A reporting unit and the parameters its figures are drawn from.
/// Rates are fractions; `t` below is months since January of the previous year.
#[derive(Clone, Debug)]
pub(crate) struct Profile {
    pub code: Code,
    pub tier: Tier,
    /// Dossiers received per month at t = 0 (0: the unit handles no procedures).
    pub dossiers: f64,
    /// Share received online at t = 0, and its monthly gain.
    pub online0: f64,
    pub online_slope: f64,
    /// Share resolved on time at t = 0, and its monthly drift.
    pub on_time0: f64,
    pub on_time_drift: f64,
    pub habit: Habit,
    pub computers: f64,
    pub staff: f64,
    pub systems: u32,
    pub meetings: f64,
    pub documents: f64,
    /// Small e-commerce firms brought online per month (districts, Sở Công Thương).
    pub ecommerce: f64,
    /// Community digital technology team members at t = 0 (communes, districts).
    pub team: f64,
    /// Mountainous or remote: lower online use, slower progress.
    pub remote: bool,
    pub reporter: String,
    /// Last day the unit exists (Sở TT&TT, merged into Sở KH&CN on 1/3/2025).
    pub valid_to: Option<NaiveDate>,
}

pub(crate) struct Org {
    pub levels: Vec<OrgUnitLevel>,
    pub kinds: Vec<UnitKind>,
    pub units: Vec<OrgUnit>,
    pub groups: Vec<OrgUnitGroup>,
    /// Reporting units (everything but the province), in `units` order.
    pub profiles: Vec<Profile>,
}

fn c(s: &str) -> Code {
    Code::new(s).unwrap_or_else(|e| panic!("{e}"))
}

/// (code, name, short name, dossiers a month, online share, on-time share,
/// computers, staff, information systems, reporting habit).
type Dept = (&'static str, &'static str, &'static str, f64, f64, f64, f64, f64, u32, Habit);

use Habit::{ChronicallyLate, Improving, OftenMissing, Punctual, Usual};

#[rustfmt::skip]
const DEPTS: &[Dept] = &[
    ("SO_KHCN", "Sở Khoa học và Công nghệ", "Sở KH&CN", 140.0, 0.78, 0.995, 120.0, 95.0, 8, Punctual),
    ("SO_TTTT", "Sở Thông tin và Truyền thông", "Sở TT&TT", 80.0, 0.80, 0.995, 70.0, 55.0, 5, Punctual),
    ("SO_NV", "Sở Nội vụ", "Sở Nội vụ", 1150.0, 0.52, 0.975, 210.0, 160.0, 4, Usual),
    ("SO_TC", "Sở Tài chính", "Sở Tài chính", 2300.0, 0.80, 0.985, 260.0, 190.0, 5, Punctual),
    ("SO_TP", "Sở Tư pháp", "Sở Tư pháp", 1700.0, 0.58, 0.99, 110.0, 85.0, 3, Usual),
    ("SO_YT", "Sở Y tế", "Sở Y tế", 720.0, 0.55, 0.97, 160.0, 120.0, 4, Usual),
    ("SO_GDDT", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT", 320.0, 0.62, 0.985, 180.0, 130.0, 3, Usual),
    ("SO_CT", "Sở Công Thương", "Sở Công Thương", 880.0, 0.66, 0.98, 120.0, 95.0, 3, Usual),
    ("SO_NNMT", "Sở Nông nghiệp và Môi trường", "Sở NN&MT", 2900.0, 0.24, 0.94, 380.0, 290.0, 6, Usual),
    ("SO_XD", "Sở Xây dựng", "Sở Xây dựng", 4200.0, 0.55, 0.955, 230.0, 170.0, 4, ChronicallyLate),
    ("SO_VHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTT&DL", 160.0, 0.60, 0.99, 140.0, 110.0, 3, Usual),
    ("SO_DTTG", "Sở Dân tộc và Tôn giáo", "Sở DT&TG", 28.0, 0.35, 1.0, 45.0, 38.0, 1, Usual),
    ("SO_NGV", "Sở Ngoại vụ", "Sở Ngoại vụ", 45.0, 0.70, 1.0, 40.0, 32.0, 1, Punctual),
    ("VP_UBND", "Văn phòng UBND tỉnh", "VP UBND tỉnh", 60.0, 0.72, 1.0, 150.0, 110.0, 7, Punctual),
    ("CA_TINH", "Công an tỉnh", "Công an tỉnh", 5600.0, 0.86, 0.993, 400.0, 300.0, 6, Usual),
    ("THANH_TRA", "Thanh tra tỉnh", "Thanh tra tỉnh", 14.0, 0.20, 1.0, 60.0, 52.0, 1, ChronicallyLate),
    ("BQL_KCN", "Ban Quản lý các khu công nghiệp", "BQL các KCN", 130.0, 0.74, 0.99, 50.0, 42.0, 2, Usual),
    ("BCH_QS", "Bộ Chỉ huy Quân sự tỉnh", "BCH Quân sự tỉnh", 6.0, 0.10, 1.0, 90.0, 70.0, 2, OftenMissing),
    ("BAO_PTTH", "Báo và Phát thanh, Truyền hình tỉnh", "Báo và PT-TH", 0.0, 0.0, 1.0, 130.0, 120.0, 3, Usual),
    ("TRUONG_CT", "Trường Chính trị tỉnh", "Trường Chính trị", 0.0, 0.0, 1.0, 80.0, 60.0, 2, Usual),
    ("BHXH", "Bảo hiểm xã hội tỉnh", "BHXH tỉnh", 2400.0, 0.90, 0.992, 190.0, 150.0, 3, Punctual),
];

struct District {
    code: &'static str,
    name: &'static str,
    /// The place name, reused by the district's thị trấn.
    place: &'static str,
    urban: bool,
    communes: usize,
    dossiers: f64,
    online: f64,
    habit: Habit,
    remote: bool,
}

#[rustfmt::skip]
const DISTRICTS: &[District] = &[
    District { code: "TP_HOA_LAM", name: "Thành phố Hòa Lâm", place: "Hòa Lâm", urban: true, communes: 18, dossiers: 7800.0, online: 0.58, habit: Punctual, remote: false },
    District { code: "TX_BINH_SON", name: "Thị xã Bình Sơn", place: "Bình Sơn", urban: true, communes: 10, dossiers: 3400.0, online: 0.50, habit: Improving, remote: false },
    District { code: "H_AN_PHU", name: "Huyện An Phú", place: "An Phú", urban: false, communes: 14, dossiers: 3000.0, online: 0.44, habit: Usual, remote: false },
    District { code: "H_DONG_HOA", name: "Huyện Đông Hòa", place: "Đông Hòa", urban: false, communes: 13, dossiers: 2800.0, online: 0.47, habit: Usual, remote: false },
    District { code: "H_TAN_THANH", name: "Huyện Tân Thạnh", place: "Tân Thạnh", urban: false, communes: 12, dossiers: 2600.0, online: 0.41, habit: Punctual, remote: false },
    District { code: "H_PHU_LOC", name: "Huyện Phú Lộc", place: "Phú Lộc", urban: false, communes: 11, dossiers: 2400.0, online: 0.43, habit: Usual, remote: false },
    District { code: "H_VINH_XUAN", name: "Huyện Vĩnh Xuân", place: "Vĩnh Xuân", urban: false, communes: 12, dossiers: 2500.0, online: 0.40, habit: Usual, remote: false },
    District { code: "H_THACH_BAN", name: "Huyện Thạch Bàn", place: "Thạch Bàn", urban: false, communes: 10, dossiers: 2000.0, online: 0.36, habit: Usual, remote: false },
    District { code: "H_NGOC_LAM", name: "Huyện Ngọc Lâm", place: "Ngọc Lâm", urban: false, communes: 11, dossiers: 2200.0, online: 0.39, habit: Usual, remote: true },
    District { code: "H_SUOI_MAY", name: "Huyện Suối Mây", place: "Suối Mây", urban: false, communes: 9, dossiers: 1400.0, online: 0.22, habit: ChronicallyLate, remote: true },
];

/// The district whose communes in `LATE_COMMUNES_IN` include a few
/// chronically late ones.
const LATE_COMMUNES_IN: &str = "H_THACH_BAN";

fn reporter(rng: &mut Rng, unit: &Code) -> String {
    let fam = FAMILY[rng.below(FAMILY.len())];
    let mid = MIDDLE[rng.below(MIDDLE.len())];
    let given = GIVEN[rng.below(GIVEN.len())];
    let initials: String = [fam, mid].iter().filter_map(|w| fold(w).chars().next()).collect();
    let slug: String = unit.as_str().chars().filter(|c| *c != '_').collect();
    format!("{}{}.{}", initials, fold(given), slug).to_lowercase()
}

pub(crate) fn build() -> Org {
    let levels = vec![
        OrgUnitLevel { level: 1, name: "Tỉnh".into() },
        OrgUnitLevel { level: 2, name: "Sở, ngành / Huyện".into() },
        OrgUnitLevel { level: 3, name: "Xã, phường".into() },
    ];
    let kinds = vec![
        UnitKind { code: c("so_nganh"), name: "Sở, ban, ngành".into() },
        UnitKind { code: c("huyen"), name: "Huyện, thị xã, thành phố".into() },
        UnitKind { code: c("xa"), name: "Xã, phường, thị trấn".into() },
    ];
    let unit = |code: Code, name: String, short: Option<String>, parent: Option<&Code>, kind: Option<&str>| OrgUnit {
        code,
        name,
        short_name: short,
        parent: parent.cloned(),
        kind: kind.map(c),
        valid_from: None,
        valid_to: None,
        successors: vec![],
    };
    let root = c(ROOT);
    let mut units = vec![unit(root.clone(), "Tỉnh Hòa Lâm".into(), None, None, None)];
    let mut profiles = Vec::new();
    let mut rng = rng_for(&["org"]);
    let mut groups = [
        OrgUnitGroup { code: c("SO_NGANH"), name: "Sở, ban, ngành".into(), members: vec![] },
        OrgUnitGroup { code: c("UBND_HUYEN"), name: "UBND cấp huyện".into(), members: vec![] },
        OrgUnitGroup { code: c("UBND_XA"), name: "UBND cấp xã".into(), members: vec![] },
    ];

    for &(code, name, short, dossiers, online, on_time, computers, staff, systems, habit) in DEPTS {
        let is_tttt = code == "SO_TTTT";
        let is_ct = code == "SO_CT";
        let code = c(code);
        let mut u = unit(code.clone(), name.into(), Some(short.into()), Some(&root), Some("so_nganh"));
        let mut valid_to = None;
        if is_tttt {
            // Merged into Sở Khoa học và Công nghệ on 1/3/2025.
            valid_to = NaiveDate::from_ymd_opt(2025, 2, 28);
            u.valid_to = valid_to;
            u.successors = vec![c(COORDINATOR)];
        }
        units.push(u);
        groups[0].members.push(code.clone());
        profiles.push(Profile {
            reporter: reporter(&mut rng, &code),
            code,
            tier: Tier::Dept,
            dossiers,
            online0: online,
            online_slope: 0.0035 + rng.unit() * 0.002,
            on_time0: on_time,
            on_time_drift: if on_time < 0.999 { -0.0006 - rng.unit() * 0.0006 } else { 0.0 },
            habit,
            computers,
            staff,
            systems,
            meetings: (staff / 6.0).clamp(8.0, 45.0),
            documents: staff * 5.5 + dossiers * 0.08,
            ecommerce: if is_ct { 1.2 } else { 0.0 },
            team: 0.0,
            remote: false,
            valid_to,
        });
    }

    let mut used_names: Vec<String> = DISTRICTS.iter().map(|d| code_part(d.place)).collect();
    for d in DISTRICTS {
        let code = c(d.code);
        units.push(unit(code.clone(), d.name.into(), None, Some(&root), Some("huyen")));
        groups[1].members.push(code.clone());
        profiles.push(Profile {
            reporter: reporter(&mut rng, &code),
            code: code.clone(),
            tier: Tier::District,
            dossiers: d.dossiers,
            online0: d.online,
            online_slope: if d.remote { 0.0025 } else { 0.0036 + rng.unit() * 0.0015 },
            on_time0: 0.965 + rng.unit() * 0.025,
            on_time_drift: -0.0005 - rng.unit() * 0.0007,
            habit: d.habit,
            computers: 130.0 + rng.unit() * 120.0,
            staff: 110.0 + rng.unit() * 90.0,
            systems: 3 + rng.below(3) as u32,
            meetings: 22.0 + rng.unit() * 20.0,
            documents: 900.0 + rng.unit() * 900.0,
            ecommerce: if d.remote { 1.0 } else { 1.4 + rng.unit() * 1.2 },
            team: 25.0 + rng.unit() * 15.0,
            remote: d.remote,
            valid_to: None,
        });

        // Communes: in towns mostly phường; in rural districts a thị trấn
        // named after the district, then xã.
        let wards = if d.urban { d.communes * 2 / 3 } else { 0 };
        let late_communes = if d.code == LATE_COMMUNES_IN { 4 } else { 0 };
        for k in 0..d.communes {
            let (prefix, kind_word, place) = if k < wards {
                ("P", "Phường", None)
            } else if !d.urban && k == 0 {
                ("TT", "Thị trấn", Some(d.place))
            } else {
                ("X", "Xã", None)
            };
            let place = match place {
                Some(p) => p.to_string(),
                None => loop {
                    let a = PLACE_FIRST[rng.below(PLACE_FIRST.len())];
                    let b = PLACE_SECOND[rng.below(PLACE_SECOND.len())];
                    if fold(a) == fold(b) {
                        continue;
                    }
                    let name = format!("{a} {b}");
                    let key = code_part(&name);
                    if !used_names.contains(&key) {
                        used_names.push(key);
                        break name;
                    }
                },
            };
            let ccode = c(&format!("{prefix}_{}", code_part(&place)));
            units.push(unit(ccode.clone(), format!("{kind_word} {place}"), None, Some(&code), Some("xa")));
            groups[2].members.push(ccode.clone());
            let urban = prefix != "X";
            let size = if urban {
                150.0 + rng.unit() * 260.0
            } else if d.remote {
                30.0 + rng.unit() * 60.0
            } else {
                45.0 + rng.unit() * 140.0
            };
            let habit = if d.habit == ChronicallyLate {
                if rng.chance(0.5) { OftenMissing } else { ChronicallyLate }
            } else if k >= d.communes - late_communes {
                ChronicallyLate
            } else if rng.chance(0.025) {
                OftenMissing
            } else if rng.chance(0.15) {
                Punctual
            } else {
                Usual
            };
            profiles.push(Profile {
                reporter: reporter(&mut rng, &ccode),
                code: ccode,
                tier: Tier::Commune,
                dossiers: size,
                online0: (d.online + if urban { 0.12 } else { 0.0 } + rng.normal() * 0.08).clamp(0.08, 0.9),
                online_slope: if d.remote { 0.002 } else { 0.003 + rng.unit() * 0.002 },
                on_time0: 0.96 + rng.unit() * 0.035,
                on_time_drift: -0.0003 - rng.unit() * 0.0007,
                habit,
                computers: if urban { 22.0 + rng.unit() * 14.0 } else { 14.0 + rng.unit() * 10.0 },
                staff: if urban { 24.0 + rng.unit() * 8.0 } else { 19.0 + rng.unit() * 6.0 },
                systems: 1,
                meetings: 6.0 + rng.unit() * 8.0,
                documents: 120.0 + rng.unit() * 160.0,
                ecommerce: 0.0,
                team: if d.remote { 6.0 + rng.unit() * 5.0 } else { 8.0 + rng.unit() * 9.0 },
                remote: d.remote,
                valid_to: None,
            });
        }
    }
    Org { levels, kinds, units, groups: groups.into(), profiles }
}
