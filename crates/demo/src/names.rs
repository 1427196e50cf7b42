//! Word lists for the demo province: commune name syllables, people's names,
//! and the ASCII folding that turns a Vietnamese name into a code.

/// Folds a Vietnamese string to ASCII: "Phường Hòa Lâm" → "Phuong Hoa Lam".
pub(crate) fn fold(s: &str) -> String {
    const GROUPS: &[(&str, char)] = &[
        ("àáảãạăằắẳẵặâầấẩẫậ", 'a'),
        ("ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", 'A'),
        ("èéẻẽẹêềếểễệ", 'e'),
        ("ÈÉẺẼẸÊỀẾỂỄỆ", 'E'),
        ("ìíỉĩị", 'i'),
        ("ÌÍỈĨỊ", 'I'),
        ("òóỏõọôồốổỗộơờớởỡợ", 'o'),
        ("ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ", 'O'),
        ("ùúủũụưừứửữự", 'u'),
        ("ÙÚỦŨỤƯỪỨỬỮỰ", 'U'),
        ("ỳýỷỹỵ", 'y'),
        ("ỲÝỶỸỴ", 'Y'),
        ("đ", 'd'),
        ("Đ", 'D'),
    ];
    s.chars()
        .map(
            |c| {
                if c.is_ascii() { c } else { GROUPS.iter().find(|(set, _)| set.contains(c)).map_or('_', |&(_, to)| to) }
            },
        )
        .collect()
}

/// "Hòa Lâm" → "HOA_LAM".
pub(crate) fn code_part(name: &str) -> String {
    fold(name)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
        .to_ascii_uppercase()
}

/// First syllables of place names.
pub(crate) const PLACE_FIRST: &[&str] = &[
    "An",
    "Bình",
    "Cẩm",
    "Đại",
    "Đông",
    "Gia",
    "Hòa",
    "Hưng",
    "Hương",
    "Kim",
    "Lạc",
    "Long",
    "Minh",
    "Mỹ",
    "Ngọc",
    "Nghĩa",
    "Phú",
    "Phúc",
    "Phước",
    "Quang",
    "Quảng",
    "Sơn",
    "Tân",
    "Thạch",
    "Thanh",
    "Thái",
    "Thuận",
    "Tiến",
    "Trung",
    "Trường",
    "Vĩnh",
    "Xuân",
    "Yên",
    "Hồng",
    "Cát",
    "Lương",
    "Bảo",
    "Đức",
    "Hải",
    "Khánh",
];

/// Second syllables of place names.
pub(crate) const PLACE_SECOND: &[&str] = &[
    "An", "Bình", "Châu", "Điền", "Đông", "Hà", "Hải", "Hòa", "Hưng", "Hiệp", "Khánh", "Lâm", "Lộc", "Lợi", "Long",
    "Mỹ", "Nghĩa", "Ninh", "Phong", "Phú", "Phước", "Quang", "Sơn", "Tây", "Thành", "Thịnh", "Thuận", "Tiến", "Trung",
    "Xuân", "Cường", "Định", "Vinh", "Tân", "Thủy", "Lạc",
];

pub(crate) const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
    "Lý",
];
pub(crate) const MIDDLE: &[&str] = &["Văn", "Thị", "Minh", "Thanh", "Hữu", "Ngọc", "Đức", "Thu", "Quốc", "Thùy"];
pub(crate) const GIVEN: &[&str] = &[
    "An", "Bình", "Chi", "Dũng", "Hà", "Hạnh", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga",
    "Phong", "Phương", "Quang", "Tâm", "Thảo", "Trang", "Trung", "Tuấn", "Vân", "Yến", "Hiếu", "Sơn", "Hải", "Duy",
    "Nhung",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_names_to_codes() {
        assert_eq!(fold("Phường Hòa Lâm"), "Phuong Hoa Lam");
        assert_eq!(code_part("Đồng Tháp"), "DONG_THAP");
        assert_eq!(code_part("Thuận Lợi"), "THUAN_LOI");
        for w in PLACE_FIRST.iter().chain(PLACE_SECOND).chain(FAMILY).chain(MIDDLE).chain(GIVEN) {
            assert!(fold(w).is_ascii() && !fold(w).contains('_'), "{w}");
        }
    }
}
