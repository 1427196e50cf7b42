//! Who may read and write what: roles and unit scope.
//!
//! The office and admins see and change everything; leaders read everything
//! and change nothing; a reporter reads and writes only its own unit, or its
//! unit and the units below it. Every shell (web pages, API, exports) asks
//! these functions, so a commune reporter cannot reach another commune's data
//! by any route.

use crate::Code;
use crate::orgunit::{OrgUnitTree, UnitIx};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    /// The coordinating office: defines forms, plans and templates, reviews, approves.
    Office,
    /// Enters and submits its unit's figures.
    Reporter,
    /// Reads everything in the province, changes nothing.
    Leader,
}

impl Role {
    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Admin => "Quản trị",
            Role::Office => "Văn phòng điều phối",
            Role::Reporter => "Cán bộ báo cáo",
            Role::Leader => "Lãnh đạo",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Office => "Coordinating office",
            Role::Reporter => "Reporter",
            Role::Leader => "Leader",
        }
    }
}

/// What an account may do, independent of how it logged in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub role: Role,
    /// The reporter's unit (ignored for other roles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Code>,
    /// A reporter for a district may also report for its communes.
    #[serde(default)]
    pub include_descendants: bool,
}

impl Scope {
    /// Reads the unit's data (and aggregates over it).
    pub fn can_read(&self, tree: &OrgUnitTree, unit: UnitIx) -> bool {
        match self.role {
            Role::Admin | Role::Office | Role::Leader => true,
            Role::Reporter => self.covers(tree, unit),
        }
    }
    /// Enters or changes the unit's data.
    pub fn can_write(&self, tree: &OrgUnitTree, unit: UnitIx) -> bool {
        match self.role {
            Role::Admin | Role::Office => true,
            Role::Leader => false,
            Role::Reporter => self.covers(tree, unit),
        }
    }
    /// Defines forms, plans, templates and accounts; reviews and approves.
    pub fn can_manage(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Office)
    }
    /// The units a reporter acts for, in tree order (every unit for the others).
    pub fn units(&self, tree: &OrgUnitTree) -> Vec<UnitIx> {
        (0..tree.len() as UnitIx).filter(|&u| self.can_read(tree, u)).collect()
    }

    fn covers(&self, tree: &OrgUnitTree, unit: UnitIx) -> bool {
        let Some(own) = self.unit.as_ref().and_then(|c| tree.index(c.as_str())) else { return false };
        unit == own || (self.include_descendants && tree.is_descendant_or_self(unit, own))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::code;
    use crate::orgunit::OrgUnit;

    fn tree() -> OrgUnitTree {
        let u = |c: &str, p: Option<&str>| OrgUnit {
            code: code(c),
            name: c.into(),
            short_name: None,
            parent: p.map(code),
            kind: None,
            valid_from: None,
            valid_to: None,
            successors: vec![],
        };
        OrgUnitTree::new(vec![
            u("T", None),
            u("H1", Some("T")),
            u("X1", Some("H1")),
            u("X2", Some("H1")),
            u("H2", Some("T")),
        ])
        .unwrap()
    }

    #[test]
    fn who_may_read_and_write_which_unit() {
        let t = tree();
        let ix = |c: &str| t.index(c).unwrap();
        let scope = |role, unit: Option<&str>, below| Scope { role, unit: unit.map(code), include_descendants: below };
        // (scope, unit, can read, can write)
        let cases = [
            (scope(Role::Reporter, Some("X1"), false), "X1", true, true),
            (scope(Role::Reporter, Some("X1"), false), "X2", false, false),
            (scope(Role::Reporter, Some("X1"), false), "H1", false, false),
            (scope(Role::Reporter, Some("H1"), false), "X1", false, false),
            (scope(Role::Reporter, Some("H1"), true), "X1", true, true),
            (scope(Role::Reporter, Some("H1"), true), "H2", false, false),
            (scope(Role::Reporter, None, true), "T", false, false),
            (scope(Role::Leader, None, false), "X2", true, false),
            (scope(Role::Office, None, false), "X2", true, true),
            (scope(Role::Admin, None, false), "T", true, true),
        ];
        for (s, unit, read, write) in cases {
            assert_eq!(s.can_read(&t, ix(unit)), read, "{s:?} read {unit}");
            assert_eq!(s.can_write(&t, ix(unit)), write, "{s:?} write {unit}");
        }
        assert_eq!(scope(Role::Reporter, Some("H1"), true).units(&t), vec![ix("H1"), ix("X1"), ix("X2")]);
        assert!(scope(Role::Office, None, false).can_manage());
        assert!(!scope(Role::Leader, None, false).can_manage());
    }
}
