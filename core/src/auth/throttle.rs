//! Slows down repeated failed logins, per account and per address: after a few free attempts,
//! each further failure doubles the wait before the next attempt is even checked.

use std::time::{Duration, Instant};

use moka::sync::Cache;

/// Failures allowed before waiting starts.
const FREE_ATTEMPTS: u32 = 5;
/// The longest wait.
const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// How long failures are remembered after the last one.
const MEMORY: Duration = Duration::from_secs(60 * 60);

#[derive(Clone, Copy, Debug)]
struct Failures {
    count: u32,
    last: Instant,
}

/// The failed-login record of every account and address, in memory.
pub struct LoginThrottle {
    failures: Cache<String, Failures>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self { failures: Cache::builder().max_capacity(100_000).time_to_idle(MEMORY).build() }
    }
}

impl LoginThrottle {
    /// How long the caller must still wait before trying `account` from `address`, if at all.
    pub fn wait(&self, account: &str, address: &str, now: Instant) -> Option<Duration> {
        [self.key("account", account), self.key("address", address)]
            .iter()
            .filter_map(|key| self.failures.get(key))
            .filter_map(|f| wait_after(f.count).checked_sub(now.saturating_duration_since(f.last)))
            .filter(|w| !w.is_zero())
            .max()
    }

    /// Records a failed attempt.
    pub fn failed(&self, account: &str, address: &str, now: Instant) {
        for key in [self.key("account", account), self.key("address", address)] {
            let count = self.failures.get(&key).map_or(0, |f| f.count).saturating_add(1);
            self.failures.insert(key, Failures { count, last: now });
        }
    }

    /// Forgets the account's failures after a successful login.
    pub fn succeeded(&self, account: &str) {
        self.failures.invalidate(&self.key("account", account));
    }

    fn key(&self, kind: &str, value: &str) -> String {
        format!("{kind}:{}", value.to_lowercase())
    }
}

fn wait_after(failures: u32) -> Duration {
    match failures.checked_sub(FREE_ATTEMPTS) {
        None => Duration::ZERO,
        Some(over) => Duration::from_secs(1u64 << over.min(10)).min(MAX_WAIT),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_start_after_the_free_attempts_and_double() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..FREE_ATTEMPTS - 1 {
            throttle.failed("a@x.test", "10.0.0.1", now);
        }
        assert_eq!(throttle.wait("a@x.test", "10.0.0.1", now), None);
        throttle.failed("a@x.test", "10.0.0.1", now);
        assert_eq!(throttle.wait("a@x.test", "10.0.0.9", now), Some(Duration::from_secs(1)));
        throttle.failed("a@x.test", "10.0.0.1", now);
        assert_eq!(throttle.wait("A@X.test", "10.0.0.9", now), Some(Duration::from_secs(2)));
        // the address is slowed down for other accounts too
        assert_eq!(throttle.wait("b@x.test", "10.0.0.1", now), Some(Duration::from_secs(2)));
        assert_eq!(throttle.wait("a@x.test", "10.0.0.9", now + Duration::from_secs(3)), None);
    }

    #[test]
    fn success_clears_the_account() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..10 {
            throttle.failed("a@x.test", "10.0.0.1", now);
        }
        throttle.succeeded("a@x.test");
        assert_eq!(throttle.wait("a@x.test", "10.0.0.2", now), None);
    }
}
