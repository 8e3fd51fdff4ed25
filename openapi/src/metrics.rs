//! Prometheus metrics, kept in atomics and rendered as text at `/metrics`.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Upper bounds of the request latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];
const STATUS_CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// The gateway's counters.
#[derive(Default)]
pub struct Metrics {
    requests_by_class: [AtomicU64; 5],
    latency_buckets: [AtomicU64; BUCKETS.len()],
    latency_sum_micros: AtomicU64,
    failed_logins: AtomicU64,
}

impl Metrics {
    /// Records one answered request.
    pub fn observe_request(&self, status: u16, seconds: f64) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.requests_by_class[class].fetch_add(1, Relaxed);
        for (bucket, bound) in self.latency_buckets.iter().zip(BUCKETS) {
            if seconds <= bound {
                bucket.fetch_add(1, Relaxed);
            }
        }
        self.latency_sum_micros.fetch_add((seconds * 1e6) as u64, Relaxed);
    }

    /// Records a refused login.
    pub fn failed_login(&self) {
        self.failed_logins.fetch_add(1, Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP maxai_http_requests_total HTTP requests answered, by status class.\n");
        out.push_str("# TYPE maxai_http_requests_total counter\n");
        for (class, count) in STATUS_CLASSES.iter().zip(&self.requests_by_class) {
            out.push_str(&format!(
                "maxai_http_requests_total{{status=\"{class}\"}} {}\n",
                count.load(Relaxed)
            ));
        }
        let total: u64 = self.requests_by_class.iter().map(|c| c.load(Relaxed)).sum();
        out.push_str("# HELP maxai_http_request_duration_seconds Time to answer HTTP requests.\n");
        out.push_str("# TYPE maxai_http_request_duration_seconds histogram\n");
        for (bucket, bound) in self.latency_buckets.iter().zip(BUCKETS) {
            out.push_str(&format!(
                "maxai_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}\n",
                bucket.load(Relaxed)
            ));
        }
        out.push_str(&format!("maxai_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {total}\n"));
        out.push_str(&format!(
            "maxai_http_request_duration_seconds_sum {}\n",
            self.latency_sum_micros.load(Relaxed) as f64 / 1e6
        ));
        out.push_str(&format!("maxai_http_request_duration_seconds_count {total}\n"));
        out.push_str("# HELP maxai_auth_failed_logins_total Refused login attempts.\n");
        out.push_str("# TYPE maxai_auth_failed_logins_total counter\n");
        out.push_str(&format!("maxai_auth_failed_logins_total {}\n", self.failed_logins.load(Relaxed)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_cumulative_buckets() {
        let metrics = Metrics::default();
        metrics.observe_request(200, 0.002);
        metrics.observe_request(404, 0.2);
        let text = metrics.render();
        assert!(text.contains("maxai_http_requests_total{status=\"2xx\"} 1\n"), "{text}");
        assert!(text.contains("maxai_http_requests_total{status=\"4xx\"} 1\n"));
        assert!(text.contains("maxai_http_request_duration_seconds_bucket{le=\"0.0025\"} 1\n"));
        assert!(text.contains("maxai_http_request_duration_seconds_bucket{le=\"0.25\"} 2\n"));
        assert!(text.contains("maxai_http_request_duration_seconds_count 2\n"));
    }
}
