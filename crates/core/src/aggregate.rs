//! Aggregation arithmetic: how a set of values becomes one figure under an
//! element's rule. The analytics engine applies it twice — over time within
//! each unit, then over units — so these functions are the single definition
//! of "sum", "average", "last"...

use crate::element::Aggregation;

/// Combines values under a rule. `values` yields (order key, value); the key
/// orders values in time for `Last` (the greatest key wins). None when there
/// is nothing to combine or the rule is `None` with more than one value.
pub fn combine(rule: Aggregation, values: impl IntoIterator<Item = (i64, f64)>) -> Option<f64> {
    let mut n = 0u64;
    let mut sum = 0.0;
    let mut max = f64::NEG_INFINITY;
    let mut min = f64::INFINITY;
    let mut last: Option<(i64, f64)> = None;
    for (key, v) in values {
        n += 1;
        sum += v;
        max = max.max(v);
        min = min.min(v);
        if last.is_none_or(|(k, _)| key >= k) {
            last = Some((key, v));
        }
    }
    if n == 0 {
        return None;
    }
    match rule {
        Aggregation::Sum => Some(sum),
        Aggregation::Average => Some(sum / n as f64),
        Aggregation::Last => last.map(|(_, v)| v),
        Aggregation::Max => Some(max),
        Aggregation::Min => Some(min),
        Aggregation::None => (n == 1).then_some(sum),
    }
}

/// A ratio of sums: the rate of a whole from its parts' numerators and
/// denominators (never the mean of the parts' rates).
pub fn ratio_of_sums(parts: &[(f64, f64)], factor: f64) -> Option<f64> {
    let (n, d) = parts.iter().fold((0.0, 0.0), |(n, d), (pn, pd)| (n + pn, d + pd));
    if d == 0.0 { None } else { Some(n / d * factor) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn online_dossiers_by_level_give_the_province_rate() {
        // Provincial, district and commune levels (Hà Tĩnh-style 2023 figures).
        let parts = [(104_220.0, 156_903.0), (37_367.0, 43_266.0), (152_083.0, 207_426.0)];
        let province = ratio_of_sums(&parts, 100.0).unwrap();
        assert_eq!(format!("{province:.2}"), "72.05");
        let mean_of_rates = parts.iter().map(|(n, d)| n / d * 100.0).sum::<f64>() / 3.0;
        assert_eq!(format!("{mean_of_rates:.2}"), "75.37");
    }

    #[test]
    fn rules() {
        let v = [(1, 10.0), (3, 30.0), (2, 20.0)];
        assert_eq!(combine(Aggregation::Sum, v), Some(60.0));
        assert_eq!(combine(Aggregation::Average, v), Some(20.0));
        assert_eq!(combine(Aggregation::Last, v), Some(30.0));
        assert_eq!(combine(Aggregation::Max, v), Some(30.0));
        assert_eq!(combine(Aggregation::Min, v), Some(10.0));
        assert_eq!(combine(Aggregation::None, v), None);
        assert_eq!(combine(Aggregation::None, [(1, 7.0)]), Some(7.0));
        assert_eq!(combine(Aggregation::Sum, []), None);
    }

    proptest! {
        /// Summing parts then the whole equals summing everything (hierarchy-independence of Sum).
        #[test]
        fn sum_is_associative_over_any_split(xs in prop::collection::vec(0u32..100_000, 1..50), cut in 0usize..50) {
            let all: Vec<(i64, f64)> = xs.iter().enumerate().map(|(i, &x)| (i as i64, f64::from(x))).collect();
            let cut = cut.min(all.len());
            let (a, b) = all.split_at(cut);
            let parts: Vec<(i64, f64)> = [combine(Aggregation::Sum, a.iter().copied()), combine(Aggregation::Sum, b.iter().copied())]
                .into_iter().flatten().map(|v| (0, v)).collect();
            prop_assert_eq!(combine(Aggregation::Sum, parts), combine(Aggregation::Sum, all.iter().copied()));
        }

        /// A ratio of sums lies between the smallest and largest part rate.
        #[test]
        fn ratio_of_sums_is_between_part_rates(parts in prop::collection::vec((0u32..10_000, 1u32..10_000), 1..20)) {
            let parts: Vec<(f64, f64)> = parts.into_iter().map(|(n, d)| (f64::from(n.min(d)), f64::from(d))).collect();
            let r = ratio_of_sums(&parts, 100.0).unwrap();
            let rates: Vec<f64> = parts.iter().map(|(n, d)| n / d * 100.0).collect();
            let lo = rates.iter().cloned().fold(f64::INFINITY, f64::min);
            let hi = rates.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(r >= lo - 1e-9 && r <= hi + 1e-9);
        }

        /// Last picks the value with the greatest time key whatever the input order.
        #[test]
        fn last_is_order_independent(mut xs in prop::collection::vec((0i64..1000, 0u32..100), 1..30)) {
            xs.sort_by_key(|(k, _)| *k);
            xs.dedup_by_key(|(k, _)| *k);
            let want = xs.last().map(|(_, v)| f64::from(*v));
            let mut shuffled: Vec<(i64, f64)> = xs.iter().map(|(k, v)| (*k, f64::from(*v))).collect();
            shuffled.reverse();
            prop_assert_eq!(combine(Aggregation::Last, shuffled), want);
        }
    }
}
