//! Org units and their tree.
//!
//! The tree has any depth: levels are named per deployment (`OrgUnitLevel`),
//! never hard-coded. Units carry a validity period and successor links so a
//! reorganisation (districts abolished, communes merged in 2025) keeps history
//! comparable: a closed unit's figures roll up into its successors.
//!
//! `OrgUnitTree` numbers units in depth-first preorder, so a unit's subtree is
//! the contiguous index range `pre..=last`: "this unit and everything below"
//! is a range test, which is what aggregation over the hierarchy needs.

use crate::code::Code;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A named level of the hierarchy: 1 = Tỉnh, 2 = Sở/Huyện, 3 = Xã ...
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgUnitLevel {
    pub level: u8,
    pub name: String,
}

/// A kind of unit (department, district, commune...), used to compare like with like.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitKind {
    pub code: Code,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgUnit {
    pub code: Code,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Code>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Code>,
    /// First day the unit exists (None: always existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// Last day the unit exists, inclusive (None: still open).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    /// Units that took over this one after a merger or split.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub successors: Vec<Code>,
}

impl OrgUnit {
    pub fn is_open_on(&self, day: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= day) && self.valid_to.is_none_or(|t| day <= t)
    }
    /// Whether the unit exists at some time within `start..=end`.
    pub fn overlaps(&self, start: NaiveDate, end: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= end) && self.valid_to.is_none_or(|t| start <= t)
    }
    pub fn display_name(&self) -> &str {
        self.short_name.as_deref().unwrap_or(&self.name)
    }
}

/// A named set of units ("Sở, ban, ngành", "UBND cấp xã").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgUnitGroup {
    pub code: Code,
    pub name: String,
    #[serde(default)]
    pub members: Vec<Code>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TreeError {
    #[error("đơn vị {0}: mã bị trùng")]
    Duplicate(Code),
    #[error("đơn vị {unit}: đơn vị cha {parent} không tồn tại")]
    UnknownParent { unit: Code, parent: Code },
    #[error("đơn vị {0}: vòng lặp trong cây đơn vị (đơn vị là cấp dưới của chính nó)")]
    Cycle(Code),
    #[error("đơn vị {unit}: đơn vị kế thừa {successor} không tồn tại")]
    UnknownSuccessor { unit: Code, successor: Code },
}

/// Index of a unit in an `OrgUnitTree` (its preorder position).
pub type UnitIx = u32;

/// The org units arranged as a tree, indexed in depth-first preorder.
#[derive(Clone, Debug)]
pub struct OrgUnitTree {
    units: Vec<OrgUnit>,
    parent: Vec<Option<UnitIx>>,
    /// Last preorder index of each unit's subtree (inclusive).
    last: Vec<UnitIx>,
    /// 1-based level (root = 1).
    level: Vec<u8>,
    children: Vec<Vec<UnitIx>>,
    by_code: HashMap<Code, UnitIx>,
    roots: Vec<UnitIx>,
}

impl OrgUnitTree {
    /// Builds the tree; children keep the order in which they were given.
    pub fn new(units: Vec<OrgUnit>) -> Result<Self, TreeError> {
        let mut given: HashMap<Code, usize> = HashMap::with_capacity(units.len());
        for (i, u) in units.iter().enumerate() {
            if given.insert(u.code.clone(), i).is_some() {
                return Err(TreeError::Duplicate(u.code.clone()));
            }
        }
        let mut kids: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
        let mut roots = Vec::new();
        for (i, u) in units.iter().enumerate() {
            match &u.parent {
                None => roots.push(i),
                Some(p) => match given.get(p) {
                    Some(&pi) => kids[pi].push(i),
                    None => {
                        return Err(TreeError::UnknownParent { unit: u.code.clone(), parent: p.clone() });
                    }
                },
            }
            for s in &u.successors {
                if !given.contains_key(s) {
                    return Err(TreeError::UnknownSuccessor { unit: u.code.clone(), successor: s.clone() });
                }
            }
        }
        // Iterative preorder walk (deep trees must not overflow the stack).
        let n = units.len();
        let mut order: Vec<usize> = Vec::with_capacity(n);
        let mut pos = vec![u32::MAX; n];
        let mut level_of = vec![0u8; n];
        let mut stack: Vec<(usize, u8)> = roots.iter().rev().map(|&r| (r, 1)).collect();
        while let Some((i, lv)) = stack.pop() {
            pos[i] = order.len() as u32;
            level_of[i] = lv;
            order.push(i);
            for &k in kids[i].iter().rev() {
                stack.push((k, lv.saturating_add(1)));
            }
        }
        if order.len() < n {
            // Units not reached from a root sit on a cycle.
            let stuck = (0..n).find(|&i| pos[i] == u32::MAX).expect("some unit unreached");
            return Err(TreeError::Cycle(units[stuck].code.clone()));
        }
        let mut slots: Vec<Option<OrgUnit>> = units.into_iter().map(Some).collect();
        let sorted: Vec<OrgUnit> = order.iter().map(|&i| slots[i].take().expect("each unit once")).collect();
        let parent: Vec<Option<UnitIx>> = sorted.iter().map(|u| u.parent.as_ref().map(|p| pos[given[p]])).collect();
        let level: Vec<u8> = order.iter().map(|&i| level_of[i]).collect();
        let mut children: Vec<Vec<UnitIx>> = vec![Vec::new(); n];
        for (ix, p) in parent.iter().enumerate() {
            if let Some(p) = p {
                children[*p as usize].push(ix as UnitIx);
            }
        }
        // A subtree ends where the next unit of the same or a higher level starts.
        let mut last = vec![0u32; n];
        let mut open: Vec<usize> = Vec::new();
        for ix in 0..n {
            while let Some(&top) = open.last() {
                if level[top] >= level[ix] {
                    last[top] = ix as u32 - 1;
                    open.pop();
                } else {
                    break;
                }
            }
            open.push(ix);
        }
        for top in open {
            last[top] = n as u32 - 1;
        }
        let by_code = sorted.iter().enumerate().map(|(i, u)| (u.code.clone(), i as UnitIx)).collect();
        let roots = (0..n as u32).filter(|&i| parent[i as usize].is_none()).collect();
        Ok(OrgUnitTree { units: sorted, parent, last, level, children, by_code, roots })
    }

    pub fn len(&self) -> usize {
        self.units.len()
    }
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }
    pub fn index(&self, code: &str) -> Option<UnitIx> {
        self.by_code.get(code).copied()
    }
    pub fn unit(&self, ix: UnitIx) -> &OrgUnit {
        &self.units[ix as usize]
    }
    pub fn get(&self, code: &str) -> Option<&OrgUnit> {
        self.index(code).map(|i| self.unit(i))
    }
    /// Units in preorder (parents before children).
    pub fn units(&self) -> &[OrgUnit] {
        &self.units
    }
    pub fn roots(&self) -> &[UnitIx] {
        &self.roots
    }
    pub fn parent(&self, ix: UnitIx) -> Option<UnitIx> {
        self.parent[ix as usize]
    }
    pub fn children(&self, ix: UnitIx) -> &[UnitIx] {
        &self.children[ix as usize]
    }
    pub fn level(&self, ix: UnitIx) -> u8 {
        self.level[ix as usize]
    }
    pub fn max_level(&self) -> u8 {
        self.level.iter().copied().max().unwrap_or(0)
    }
    /// The unit and all its descendants, as a preorder index range.
    pub fn subtree(&self, ix: UnitIx) -> std::ops::RangeInclusive<UnitIx> {
        ix..=self.last[ix as usize]
    }
    pub fn is_descendant_or_self(&self, ix: UnitIx, ancestor: UnitIx) -> bool {
        self.subtree(ancestor).contains(&ix)
    }
    /// Ancestors from the parent up to the root.
    pub fn ancestors(&self, ix: UnitIx) -> impl Iterator<Item = UnitIx> + '_ {
        std::iter::successors(self.parent(ix), move |&p| self.parent(p))
    }
    /// The ancestor (or self) at `level`, if the unit is at or below it.
    pub fn ancestor_at_level(&self, ix: UnitIx, level: u8) -> Option<UnitIx> {
        std::iter::once(ix).chain(self.ancestors(ix)).find(|&a| self.level(a) == level)
    }
    /// All units at a level, optionally only those under `within`.
    pub fn at_level(&self, level: u8, within: Option<UnitIx>) -> Vec<UnitIx> {
        let range = match within {
            Some(w) => self.subtree(w),
            None => 0..=(self.len() as UnitIx).saturating_sub(1),
        };
        if self.is_empty() {
            return Vec::new();
        }
        range.filter(|&i| self.level(i) == level).collect()
    }
    /// The open units a closed unit's figures roll up into, following
    /// successor links transitively (a merged unit may itself be merged later).
    pub fn final_successors(&self, ix: UnitIx) -> Vec<UnitIx> {
        let mut out = Vec::new();
        let mut seen = vec![ix];
        let mut todo: Vec<UnitIx> = self.unit(ix).successors.iter().filter_map(|c| self.index(c.as_str())).collect();
        while let Some(s) = todo.pop() {
            if seen.contains(&s) {
                continue;
            }
            seen.push(s);
            let next = &self.unit(s).successors;
            if next.is_empty() {
                out.push(s);
            } else {
                todo.extend(next.iter().filter_map(|c| self.index(c.as_str())));
            }
        }
        out.sort_unstable();
        out
    }
    /// Path of names from the root, "Tỉnh A / Huyện B / Xã C".
    pub fn path_name(&self, ix: UnitIx) -> String {
        let mut names: Vec<&str> = self.ancestors(ix).map(|a| self.unit(a).name.as_str()).collect();
        names.reverse();
        names.push(&self.unit(ix).name);
        names.join(" / ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::code;
    use proptest::prelude::*;

    fn unit(c: &str, parent: Option<&str>) -> OrgUnit {
        OrgUnit {
            code: code(c),
            name: format!("Đơn vị {c}"),
            short_name: None,
            parent: parent.map(code),
            kind: None,
            valid_from: None,
            valid_to: None,
            successors: vec![],
        }
    }

    #[test]
    fn province_district_commune() {
        let t = OrgUnitTree::new(vec![
            unit("X1", Some("H1")),
            unit("TINH", None),
            unit("H1", Some("TINH")),
            unit("SO1", Some("TINH")),
            unit("X2", Some("H1")),
        ])
        .unwrap();
        let tinh = t.index("TINH").unwrap();
        let h1 = t.index("H1").unwrap();
        assert_eq!(t.subtree(tinh), 0..=4);
        assert_eq!(t.level(t.index("X2").unwrap()), 3);
        assert_eq!(t.at_level(3, Some(h1)).len(), 2);
        assert_eq!(t.children(tinh).len(), 2);
        assert!(t.is_descendant_or_self(t.index("X1").unwrap(), h1));
        assert!(!t.is_descendant_or_self(t.index("SO1").unwrap(), h1));
        assert_eq!(t.path_name(t.index("X1").unwrap()), "Đơn vị TINH / Đơn vị H1 / Đơn vị X1");
        assert_eq!(t.ancestor_at_level(t.index("X1").unwrap(), 2), Some(h1));
    }

    #[test]
    fn errors_name_the_unit() {
        let e = OrgUnitTree::new(vec![unit("A", None), unit("B", Some("Z"))]).unwrap_err();
        assert_eq!(e.to_string(), "đơn vị B: đơn vị cha Z không tồn tại");
        let e = OrgUnitTree::new(vec![unit("A", Some("B")), unit("B", Some("A"))]).unwrap_err();
        assert!(matches!(e, TreeError::Cycle(_)));
        let e = OrgUnitTree::new(vec![unit("A", None), unit("A", None)]).unwrap_err();
        assert_eq!(e, TreeError::Duplicate(code("A")));
    }

    #[test]
    fn merged_communes_roll_into_their_successor() {
        let mut a = unit("XA", Some("T"));
        a.successors = vec![code("XB")];
        let mut b = unit("XB", Some("T"));
        b.successors = vec![code("XC")];
        let t = OrgUnitTree::new(vec![unit("T", None), a, b, unit("XC", Some("T"))]).unwrap();
        assert_eq!(t.final_successors(t.index("XA").unwrap()), vec![t.index("XC").unwrap()]);
    }

    proptest! {
        /// For random trees, the preorder range of a unit holds exactly its descendants.
        #[test]
        fn subtree_range_is_descendants(parents in prop::collection::vec(0usize..1000, 1..60)) {
            let mut units = vec![unit("U0", None)];
            for (i, p) in parents.iter().enumerate() {
                let parent = format!("U{}", p % (i + 1));
                units.push(unit(&format!("U{}", i + 1), Some(&parent)));
            }
            let t = OrgUnitTree::new(units).unwrap();
            for a in 0..t.len() as UnitIx {
                for d in 0..t.len() as UnitIx {
                    let by_walk = d == a || t.ancestors(d).any(|x| x == a);
                    prop_assert_eq!(by_walk, t.subtree(a).contains(&d));
                }
            }
        }
    }
}
