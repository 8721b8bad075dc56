//! Fixed-window counters in memory, per key (an IP, an account). Enough for one server
//! process; several replicas each count their own share.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::ApiError;

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    /// Refuses with 429 (and the seconds to wait) when `key` is at its limit.
    pub fn check(&self, key: &str, limit: Limit) -> Result<(), ApiError> {
        let now = Instant::now();
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        match windows.get(key) {
            Some((start, count))
                if now.duration_since(*start) < limit.window && *count >= limit.max =>
            {
                let wait = limit.window.saturating_sub(now.duration_since(*start));
                Err(ApiError::TooManyRequests(wait.as_secs().max(1)))
            }
            _ => Ok(()),
        }
    }

    /// Counts one attempt for `key`.
    pub fn hit(&self, key: &str, limit: Limit) {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < limit.window);
        }
        let entry = windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= limit.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }

    /// Checks, then counts.
    pub fn take(&self, key: &str, limit: Limit) -> Result<(), ApiError> {
        self.check(key, limit)?;
        self.hit(key, limit);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_limit_until_the_window_ends() {
        let limiter = RateLimiter::default();
        let limit = Limit {
            max: 2,
            window: Duration::from_millis(200),
        };
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
}
