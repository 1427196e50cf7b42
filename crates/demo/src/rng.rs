//! Seeded randomness. Each (unit, form, period) draws from its own generator,
//! seeded from its names, so a figure does not depend on how many others were
//! drawn before it: the demo for one `today` and for a later one agree on
//! every period both contain.

use rand::rngs::SmallRng;
use rand::{Rng as _, SeedableRng};

const SEED: u64 = 0x4849_534f_2d48_4c00; // "CHISO-HL"

pub(crate) struct Rng(SmallRng);

/// A generator for the given key parts (FNV-1a over them, then the fixed seed).
pub(crate) fn rng_for(parts: &[&str]) -> Rng {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    Rng(SmallRng::seed_from_u64(h ^ SEED))
}

impl Rng {
    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        self.0.random::<f64>()
    }
    /// Uniform in 0..n (n > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0.random_range(0..n)
    }
    /// Uniform in lo..=hi.
    pub(crate) fn between(&mut self, lo: i64, hi: i64) -> i64 {
        self.0.random_range(lo..=hi)
    }
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// Standard normal (Box–Muller).
    pub(crate) fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
    /// A multiplicative noise factor around 1 with the given spread.
    pub(crate) fn jitter(&mut self, spread: f64) -> f64 {
        (1.0 + self.normal() * spread).max(0.2)
    }
}
