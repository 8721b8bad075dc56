//! Fixed-window counters in memory, per key (an IP, an account and client). An attempt is
//! taken under one lock, checked and counted at once (`take`), so concurrent attempts can
//! never all pass the check before any is counted; one that turns out not to count (a
//! successful sign-in) is given back (`give_back`). Each key keeps its own window, and the
//! number of keys is bounded. One process counts its own share: issue 19 moves the counters
//! where several instances can share them.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::ApiError;

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

/// Keys kept at most; past it, ended windows are dropped, then the oldest.
pub const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    length: Duration,
    count: u32,
}

impl Window {
    fn ended(&self, now: Instant) -> bool {
        now.duration_since(self.start) >= self.length
    }
}

pub struct RateLimiter {
    windows: Mutex<HashMap<String, Window>>,
    max_keys: usize,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::with_capacity(MAX_KEYS)
    }
}

impl RateLimiter {
    pub fn with_capacity(max_keys: usize) -> Self {
        Self {
            windows: Mutex::new(HashMap::new()),
            max_keys: max_keys.max(1),
        }
    }

    /// Counts one attempt for `key`, or refuses with 429 (and the seconds to wait) when
    /// `key` is at its limit. Checked and counted under one lock.
    pub fn take(&self, key: &str, limit: Limit) -> Result<(), ApiError> {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if !windows.contains_key(key) && windows.len() >= self.max_keys {
            Self::make_room(&mut windows, now, self.max_keys);
        }
        let window = windows.entry(key.to_owned()).or_insert(Window {
            start: now,
            length: limit.window,
            count: 0,
        });
        if window.ended(now) {
            *window = Window {
                start: now,
                length: limit.window,
                count: 0,
            };
        }
        if window.count >= limit.max {
            let wait = window
                .length
                .saturating_sub(now.duration_since(window.start));
            return Err(ApiError::TooManyRequests(wait.as_secs().max(1)));
        }
        window.count += 1;
        Ok(())
    }

    /// Gives back an attempt taken for `key` that should not count (a sign-in that
    /// succeeded, where only failures are limited).
    pub fn give_back(&self, key: &str) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(window) = windows.get_mut(key) {
            window.count = window.count.saturating_sub(1);
        }
    }

    /// Drops the windows that have ended (each by its own length); if that is not enough,
    /// the oldest tenth, which are nearest to ending anyway.
    fn make_room(windows: &mut HashMap<String, Window>, now: Instant, max_keys: usize) {
        windows.retain(|_, w| !w.ended(now));
        if windows.len() >= max_keys {
            let mut starts: Vec<Instant> = windows.values().map(|w| w.start).collect();
            starts.sort_unstable();
            let cut = starts[(starts.len() / 10).min(starts.len() - 1)];
            windows.retain(|_, w| w.start > cut);
        }
    }

    /// How many keys are kept (for tests and metrics).
    pub fn len(&self) -> usize {
        self.windows.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The limits on signing in and registering.
#[derive(Debug, Clone, Copy)]
pub struct AuthLimits {
    /// Attempts (sign-ins and registrations) per client IP.
    pub per_ip: Limit,
    /// Failed sign-ins per account and client: someone elsewhere cannot lock the owner out.
    pub per_account: Limit,
}

impl AuthLimits {
    pub fn new(per_ip: u32, per_account: u32) -> Self {
        let window = Duration::from_secs(10 * 60);
        Self {
            per_ip: Limit {
                max: per_ip,
                window,
            },
            per_account: Limit {
                max: per_account,
                window,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(max: u32, millis: u64) -> Limit {
        Limit {
            max,
            window: Duration::from_millis(millis),
        }
    }

    #[test]
    fn refuses_past_the_limit_until_the_window_ends() {
        let limiter = RateLimiter::default();
        let limit = limit(2, 200);
        assert!(limiter.take("a", limit).is_ok());
        assert!(limiter.take("a", limit).is_ok());
        assert!(matches!(
            limiter.take("a", limit),
            Err(ApiError::TooManyRequests(_))
        ));
        assert!(limiter.take("b", limit).is_ok(), "keys are independent");
        std::thread::sleep(Duration::from_millis(250));
        assert!(limiter.take("a", limit).is_ok());
    }

    #[test]
    fn concurrent_attempts_stop_exactly_at_the_limit() {
        let limiter = std::sync::Arc::new(RateLimiter::default());
        let limit = limit(10, 60_000);
        let passed: usize = (0..50)
            .map(|_| {
                let limiter = limiter.clone();
                std::thread::spawn(move || limiter.take("account", limit).is_ok())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| usize::from(t.join().unwrap()))
            .sum();
        assert_eq!(passed, 10);
    }

    #[test]
    fn a_given_back_attempt_does_not_count() {
        let limiter = RateLimiter::default();
        let limit = limit(1, 60_000);
        limiter.take("a", limit).unwrap();
        limiter.give_back("a");
        assert!(limiter.take("a", limit).is_ok());
    }

    #[test]
    fn memory_is_bounded_and_cleaning_keeps_other_windows() {
        let limiter = RateLimiter::with_capacity(100);
        let long = limit(1, 60_000);
        let short = limit(5, 10);
        limiter.take("long-lived", long).unwrap();
        for n in 0..50 {
            limiter.take(&format!("short-{n}"), short).unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
        for n in 0..1_000 {
            let _ = limiter.take(&format!("flood-{n}"), short);
        }
        assert!(limiter.len() <= 100, "{} keys", limiter.len());
        // A cleaning made for short windows never drops a long window that runs on.
        let fresh = RateLimiter::with_capacity(10);
        fresh.take("long-lived", long).unwrap();
        for n in 0..9 {
            fresh.take(&format!("short-{n}"), short).unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
        fresh.take("newcomer", short).unwrap();
        assert!(
            matches!(
                fresh.take("long-lived", long),
                Err(ApiError::TooManyRequests(_))
            ),
            "the long window's count survived the cleaning"
        );
    }
}
