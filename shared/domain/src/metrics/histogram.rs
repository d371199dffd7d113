//! Fixed-bucket histograms of durations: the same bucket bounds everywhere (the projection's
//! rows, the page, the replay test), so histograms add by adding their counts, and a median or
//! p90 read from one is within one bucket of the exact value.
//!
//! Why buckets and not a sketch crate (t-digest, DDSketch): the projection's rows are summed by
//! the stores themselves (SQLite `n = n + ?`, DynamoDB `ADD`), one counter per bucket, with no
//! read-modify-write and nothing to merge in the application; a sketch is a blob that can only
//! be merged after reading it, which would make every commit read and rewrite it. The figures
//! people read here (hours to assign, days to complete) need no better than the buckets give.

/// Upper bounds of the buckets, in minutes, log-spaced from a minute to 30 days: bucket `i`
/// holds durations in `[BOUNDS[i-1], BOUNDS[i])` (from 0 for the first); the last bucket, past
/// the last bound, holds everything of 30 days or more.
pub const BOUNDS_MINUTES: [i64; 26] = [
    1, 5, 10, 15, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 1080, 1440, 2160, 2880, 4320, 5760,
    7200, 10080, 14400, 20160, 30240, 43200,
];

/// How many buckets a histogram has (the last one open-ended).
pub const BUCKETS: usize = BOUNDS_MINUTES.len() + 1;

/// The bucket a duration of `secs` seconds falls in (negative durations count as 0).
pub fn bucket_of(secs: i64) -> usize {
    let secs = secs.max(0);
    BOUNDS_MINUTES
        .iter()
        .position(|m| secs < m * 60)
        .unwrap_or(BOUNDS_MINUTES.len())
}

/// The span of bucket `b` in seconds: `[lower, upper)`, `upper` `None` for the last bucket.
pub fn bucket_span(b: usize) -> (i64, Option<i64>) {
    let lower = if b == 0 {
        0
    } else {
        BOUNDS_MINUTES
            .get(b - 1)
            .or(BOUNDS_MINUTES.last())
            .map_or(0, |m| m * 60)
    };
    (lower, BOUNDS_MINUTES.get(b).map(|m| m * 60))
}

/// Counts per bucket. Invariant: `counts.len() == BUCKETS`. Counts are signed so that a
/// projection delta (which may take a count back) is a histogram too; summed rows are never
/// negative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Histogram {
    pub counts: Vec<i64>,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            counts: vec![0; BUCKETS],
        }
    }
}

impl Histogram {
    /// The histogram of exact values (seconds).
    pub fn of(values: &[i64]) -> Histogram {
        let mut h = Histogram::default();
        for v in values {
            h.add(bucket_of(*v), 1);
        }
        h
    }

    pub fn add(&mut self, bucket: usize, n: i64) {
        if let Some(c) = self.counts.get_mut(bucket) {
            *c += n;
        }
    }

    /// How many values it holds.
    pub fn total(&self) -> i64 {
        self.counts.iter().map(|c| (*c).max(0)).sum()
    }

    /// The `p`-th percentile (0–100) in seconds, by the nearest rank (as the exact figure is
    /// computed) placed inside its bucket by linear interpolation: the value of rank `k` in a
    /// bucket holding `c` values is taken at `(k - before - 0.5) / c` of the bucket's width.
    /// So the estimate lies in the same bucket as the exact percentile, within one bucket's
    /// width of it. In the last (open) bucket it is the bucket's lower bound (30 days).
    pub fn percentile(&self, p: u32) -> Option<i64> {
        let n = self.total();
        if n == 0 {
            return None;
        }
        let rank = (i64::from(p) * n + 99) / 100;
        let rank = rank.max(1);
        let mut before = 0;
        for (b, c) in self.counts.iter().enumerate() {
            let c = (*c).max(0);
            if c > 0 && before + c >= rank {
                let (lower, upper) = bucket_span(b);
                let Some(upper) = upper else {
                    return Some(lower);
                };
                let within = (rank - before) as f64 - 0.5;
                let width = (upper - lower) as f64;
                return Some(lower + (width * within / c as f64) as i64);
            }
            before += c;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_duration_has_one_bucket_and_the_buckets_tile_the_line() {
        assert_eq!(bucket_of(-5), 0);
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(59), 0);
        assert_eq!(bucket_of(60), 1);
        assert_eq!(bucket_of(30 * 86_400), BUCKETS - 1);
        for b in 0..BUCKETS {
            let (lower, upper) = bucket_span(b);
            assert_eq!(bucket_of(lower), b);
            if let Some(u) = upper {
                assert_eq!(bucket_of(u - 1), b);
                assert_eq!(bucket_of(u), b + 1);
            }
        }
    }

    #[test]
    fn a_percentile_from_the_buckets_falls_in_the_bucket_of_the_exact_one() {
        // Given values spread from seconds to weeks
        let values: Vec<i64> = (0..500).map(|i| (i * i * 37) % 2_000_000).collect();
        let h = Histogram::of(&values);
        for p in [1, 10, 50, 90, 99, 100] {
            // When the exact nearest-rank percentile and the estimate are taken
            let mut sorted = values.clone();
            sorted.sort_unstable();
            let rank = (p as usize * sorted.len()).div_ceil(100).max(1);
            let exact = sorted[rank - 1];
            let estimate = h.percentile(p).unwrap();
            // Then they share a bucket
            assert_eq!(bucket_of(estimate), bucket_of(exact), "p{p}");
        }
        assert_eq!(Histogram::default().percentile(50), None);
    }

    #[test]
    fn a_percentile_in_the_open_bucket_is_its_lower_bound() {
        let h = Histogram::of(&[40 * 86_400, 50 * 86_400]);
        assert_eq!(h.percentile(50), Some(30 * 86_400));
    }
}
