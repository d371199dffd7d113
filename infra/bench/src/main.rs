//! `mendwork-bench`: checks DESIGN.md §4's speed and memory figures as ratios measured in one
//! run — each figure against its target or against a baseline started on the same machine at
//! the same time, so that a slower or busier machine moves both sides. Prints a table, writes
//! it as JSON if asked, and exits non-zero when a ratio is over its limit.
//!
//! - submit → offer: a tenant request through the JSON API of a local instance until the
//!   vendor's offer SMS is sent, against the 1 s target;
//! - transition CPU: the shared workflow step (load, decide, commit) for a vendor's accept and
//!   slot choice, against the 10 ms target;
//! - cold start: the deployed `pm` function started as Lambda starts it, reading its secret
//!   and portfolio from moto's server, against `bare-function` (the same runtime crate, no
//!   work): time to the first answer, CPU time and peak memory;
//! - pages: DynamoDB read requests and read units of a PM queue page and work-order list
//!   pages on moto, with 1,000 work orders of a generated five-year history stored and then
//!   with all of it (`--history`, 5,000 by default): equal within 10%.
//!
//! - sizes (`--sizes`, alone): every function binary the template deploys, as built beside
//!   this program; in a release build each stripped binary against 6 MB, and each must be
//!   linked position-dependent as `sam build` links it (functions/release-link.rs).
//!
//! Run with `cargo run -p mendwork-bench` (debug, as CI does) or `--release` for the figures of
//! the binaries Lambda runs; build the `pm` function in the same profile first
//! (`cargo build -p mendwork-pm -p mendwork-bench`).

mod cold;
mod local;
mod local_pages;
mod pages;
mod runtime_api;
mod sizes;
mod throughput;

use anyhow::{Context, bail};
use clap::Parser;
use cold::{Function, Moto, Start, http_get};
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(name = "mendwork-bench")]
struct Args {
    /// Cold starts of each binary (the first of each is a warm-up, not counted).
    #[arg(long, default_value_t = 12)]
    starts: usize,
    /// Requests through the local instance.
    #[arg(long, default_value_t = 60)]
    requests: usize,
    /// The function binary to cold-start. Default: `mendwork-pm` beside this program.
    #[arg(long)]
    function: Option<PathBuf>,
    /// The baseline binary. Default: `bare-function` beside this program.
    #[arg(long)]
    bare: Option<PathBuf>,
    /// Work orders of the whole history the page figures are measured at (against 1,000).
    #[arg(long, default_value_t = 5_000)]
    history: usize,
    /// Measure only the page figures (no local requests, no cold starts).
    #[arg(long)]
    pages_only: bool,
    /// Lifecycles (and, before them, submissions) of the throughput figure.
    #[arg(long, default_value_t = 400)]
    lifecycles: usize,
    /// Submissions before the lifecycles of the throughput figure (default: as many as
    /// `--lifecycles`); 0 runs the lifecycles alone, e.g. to count their instructions.
    #[arg(long)]
    submissions: Option<usize>,
    /// Clients running at once in the throughput figure.
    #[arg(long, default_value_t = 4)]
    clients: usize,
    /// Measure only the throughput figure.
    #[arg(long)]
    throughput_only: bool,
    /// Work orders of the local history the local page figures are measured at.
    #[arg(long, default_value_t = 50_000)]
    local_history: usize,
    /// Timed requests of each local page.
    #[arg(long, default_value_t = 30)]
    page_rounds: usize,
    /// Measure only the local page figures.
    #[arg(long)]
    local_pages_only: bool,
    /// Measure only the cold starts (no local requests, no page figures): for profiling a
    /// start; CI runs the whole bench.
    #[arg(long)]
    cold_only: bool,
    /// Only list the deployed function binaries' sizes (built beside this program, in its
    /// profile); in a release build, fail when one is over 6 MB.
    #[arg(long)]
    sizes: bool,
    /// Also write the results here as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
}

/// The most a cold start of the `pm` function may take against the bare runtime's, as ratios.
struct ColdLimits {
    wall: f64,
    cpu: f64,
    memory: f64,
}

/// The cold-start limits of this build's profile: regression guards at about twice the ratios
/// measured in that profile on a 2-core machine (December 2026), the memory guard tighter since
/// memory does not move with the machine's load. Debug, as CI runs it: about 9–17× to the first
/// answer (the higher while other builds shared the machine: the two moto round trips go to a
/// Python server), 5.0–5.6× CPU, 5.4× peak memory. Release, linked position-dependent and
/// aborting on a panic (functions/release-link.rs, the release profile): 4–7.6× to the first
/// answer at a load of 3–5 (9.3× once, at 5), 3.3–3.6× CPU, 3.8× peak memory — issue 11's
/// target of 3× is not met yet. The README has the figures.
const COLD_LIMITS: ColdLimits = if cfg!(debug_assertions) {
    ColdLimits {
        wall: 20.0,
        cpu: 11.0,
        memory: 7.0,
    }
} else {
    ColdLimits {
        wall: 14.0,
        cpu: 7.0,
        memory: 5.0,
    }
};

/// One figure: what was measured, what it is held against, and the limit of their ratio.
struct Figure {
    name: String,
    measured: f64,
    against: f64,
    against_is: &'static str,
    unit: &'static str,
    limit: f64,
}

impl Figure {
    fn ratio(&self) -> f64 {
        self.measured / self.against
    }
    fn ok(&self) -> bool {
        self.ratio() <= self.limit
    }
}

fn quantile(values: &[Duration], q: f64) -> Duration {
    let mut v = values.to_vec();
    v.sort();
    let i = ((v.len() as f64 - 1.0) * q).round() as usize;
    v.get(i).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn beside_me(name: &str) -> anyhow::Result<PathBuf> {
    let me = std::env::current_exe().context("finding this program")?;
    let dir = me.parent().context("this program's folder")?;
    Ok(dir.join(name))
}

fn median_start(starts: &[Start]) -> (Duration, Duration, u64) {
    let walls: Vec<Duration> = starts.iter().map(|s| s.wall).collect();
    let cpus: Vec<Duration> = starts.iter().map(|s| s.cpu).collect();
    let mut peaks: Vec<u64> = starts.iter().map(|s| s.peak_kb).collect();
    peaks.sort_unstable();
    (
        quantile(&walls, 0.5),
        quantile(&cpus, 0.5),
        peaks.get(peaks.len() / 2).copied().unwrap_or_default(),
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.starts < 2 || args.requests < 1 || args.lifecycles < 1 || args.clients < 1 {
        bail!("--starts must be at least 2, and --requests, --lifecycles and --clients at least 1");
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    if args.sizes {
        return binary_sizes(&root, args.json.as_deref());
    }
    if args.pages_only {
        let moto = Moto::start(&root).await?;
        let figures = page_figures(&moto.endpoint, args.history).await?;
        drop(moto);
        print_table(&figures);
        return report(&figures, None, args.json.as_deref());
    }
    if args.local_pages_only {
        let figures = local_page_figures(args.local_history, args.page_rounds).await?;
        print_table(&figures);
        return report(&figures, None, args.json.as_deref());
    }
    if args.throughput_only {
        let submissions = args.submissions.unwrap_or(args.lifecycles);
        let (figures, work) =
            throughput_figures(submissions, args.lifecycles, args.clients).await?;
        print_table(&figures);
        return report(&figures, Some(&work), args.json.as_deref());
    }
    let function = match args.function {
        Some(p) => p,
        None => beside_me("mendwork-pm")?,
    };
    let bare = match args.bare {
        Some(p) => p,
        None => beside_me("bare-function")?,
    };
    for b in [&function, &bare] {
        if !b.is_file() {
            bail!(
                "{} is missing: build it first (cargo build -p mendwork-pm -p mendwork-bench, with --release for release figures)",
                b.display()
            );
        }
    }

    let local = if args.cold_only {
        None
    } else {
        eprintln!("local mode: {} requests…", args.requests);
        Some(local::measure(args.requests).await?)
    };

    let (throughput, throughput_work, local_pages) = if args.cold_only {
        (vec![], None, vec![])
    } else {
        let submissions = args.submissions.unwrap_or(args.lifecycles);
        let (figures, work) =
            throughput_figures(submissions, args.lifecycles, args.clients).await?;
        (
            figures,
            Some(work),
            local_page_figures(args.local_history, args.page_rounds).await?,
        )
    };

    eprintln!("cold starts: {} of each binary, interleaved…", args.starts);
    let moto = Moto::start(&root).await?;
    let sdk = mendwork_handlers::dev::test_sdk(&moto.endpoint).await;
    let cfg = mendwork_handlers::dev::provision(
        &sdk,
        "bench",
        "https://mendwork.example",
        &root.join("infra/sample-portfolio.yaml"),
    )
    .await
    .context("provisioning on moto")?;
    let mut env: Vec<(String, String)> = cfg
        .to_env()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    for (k, v) in [
        ("AWS_ENDPOINT_URL", moto.endpoint.as_str()),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
    ] {
        env.push((k.into(), v.into()));
    }
    let ours = Function {
        binary: function.clone(),
        env,
        event: http_get("/login"),
    };
    let baseline = Function {
        binary: bare.clone(),
        env: vec![],
        event: json!({}),
    };
    let (mut ours_starts, mut bare_starts) = (vec![], vec![]);
    for i in 0..args.starts {
        let b = baseline.cold_start().await?;
        let o = ours.cold_start().await?;
        if i > 0 {
            bare_starts.push(b);
            ours_starts.push(o);
        }
    }
    let pages = if args.cold_only {
        vec![]
    } else {
        eprintln!("pages: 1,000 and {} work orders on moto…", args.history);
        page_figures(&moto.endpoint, args.history).await?
    };
    drop(moto);

    let (o_wall, o_cpu, o_peak) = median_start(&ours_starts);
    let (b_wall, b_cpu, b_peak) = median_start(&bare_starts);
    let mut figures = vec![];
    if let Some(local) = &local {
        figures.push(Figure {
            name: "tenant submit -> offer sent (p95)".into(),
            measured: ms(quantile(&local.submit_to_offer, 0.95)),
            against: 1000.0,
            against_is: "target",
            unit: "ms",
            limit: 1.0,
        });
        figures.push(Figure {
            name: "transition CPU, accept / slot (median)".into(),
            measured: ms(quantile(&local.transition_cpu, 0.5)),
            against: 10.0,
            against_is: "target",
            unit: "ms",
            limit: 1.0,
        });
    }
    figures.extend([
        Figure {
            name: "cold start to first answer (median)".into(),
            measured: ms(o_wall),
            against: ms(b_wall),
            against_is: "bare runtime",
            unit: "ms",
            limit: COLD_LIMITS.wall,
        },
        Figure {
            name: "cold start CPU time (median)".into(),
            measured: ms(o_cpu),
            against: ms(b_cpu).max(0.1),
            against_is: "bare runtime",
            unit: "ms",
            limit: COLD_LIMITS.cpu,
        },
        Figure {
            name: "cold start peak memory (median)".into(),
            measured: o_peak as f64 / 1024.0,
            against: b_peak as f64 / 1024.0,
            against_is: "bare runtime",
            unit: "MB",
            limit: COLD_LIMITS.memory,
        },
    ]);

    figures.extend(throughput);
    figures.extend(local_pages);
    figures.extend(pages);
    print_table(&figures);
    if let Some(local) = &local {
        println!(
            "submit -> offer: median {:.2} ms, max {:.2} ms; transition CPU: p95 {:.2} ms, max {:.2} ms",
            ms(quantile(&local.submit_to_offer, 0.5)),
            ms(quantile(&local.submit_to_offer, 1.0)),
            ms(quantile(&local.transition_cpu, 0.95)),
            ms(quantile(&local.transition_cpu, 1.0)),
        );
    }
    println!(
        "({} local requests, {} transitions, {} counted cold starts of each binary; profile: {})",
        local.as_ref().map_or(0, |l| l.submit_to_offer.len()),
        local.as_ref().map_or(0, |l| l.transition_cpu.len()),
        ours_starts.len(),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    report(&figures, throughput_work.as_ref(), args.json.as_deref())
}

/// `--sizes`: each deployed function binary beside this program; held against the limit in a
/// release build only (debug binaries are not what Lambda runs).
fn binary_sizes(root: &std::path::Path, json_path: Option<&std::path::Path>) -> anyhow::Result<()> {
    let me = std::env::current_exe().context("finding this program")?;
    let dir = me.parent().context("this program's folder")?;
    let mb = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    let release = !cfg!(debug_assertions);
    let measured = sizes::measure(root, dir)?;
    // A release binary linked position-independent was built without
    // functions/release-link.rs: not what `sam build` deploys, so its size says nothing.
    let mut relocatable = Vec::new();
    for s in measured.iter().filter(|_| release) {
        if sizes::position_dependent(&dir.join(&s.name))? == Some(false) {
            relocatable.push(s.name.as_str());
        }
    }
    if !relocatable.is_empty() {
        bail!(
            "linked position-independent, unlike the deployed functions (build = \"../release-link.rs\" in their Cargo.toml): {}",
            relocatable.join(", ")
        );
    }
    let figures: Vec<Figure> = measured
        .into_iter()
        .map(|s| Figure {
            name: format!("{} (stripped binary)", s.name),
            measured: mb(s.bytes),
            against: mb(sizes::LIMIT_BYTES),
            against_is: "target",
            unit: "MB",
            limit: if release { 1.0 } else { f64::INFINITY },
        })
        .collect();
    print_table(&figures);
    if !release {
        println!("(debug binaries: listed, not held against the limit; build with --release)");
    }
    report(&figures, None, json_path)
}

fn print_table(figures: &[Figure]) {
    println!(
        "{:<38} {:>10} {:>16} {:>9} {:>7}  ",
        "figure", "measured", "held against", "ratio", "limit"
    );
    for f in figures {
        println!(
            "{:<38} {:>7.2} {:<2} {:>9.2} {:<2} {:<4} {:>8.3} {:>7.1}  {}",
            f.name,
            f.measured,
            f.unit,
            f.against,
            f.unit,
            match f.against_is {
                "target" => "tgt",
                "bare runtime" => "bare",
                _ => "1k",
            },
            f.ratio(),
            f.limit,
            if f.ok() { "ok" } else { "OVER" }
        );
    }
}

/// Writes the JSON if asked (with SQLite's work in the throughput figure, when measured), and
/// fails when a figure is over its limit.
fn report(
    figures: &[Figure],
    throughput_work: Option<&serde_json::Value>,
    json_path: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    if let Some(path) = json_path {
        let mut out = json!({
            "profile": if cfg!(debug_assertions) { "debug" } else { "release" },
            "figures": figures.iter().map(|f| json!({
                "name": f.name, "measured": f.measured, "unit": f.unit, "against": f.against,
                "against_is": f.against_is, "ratio": f.ratio(), "limit": f.limit, "ok": f.ok(),
            })).collect::<Vec<_>>(),
        });
        if let Some(work) = throughput_work {
            out["throughput_store_work"] = work.clone();
        }
        std::fs::write(path, serde_json::to_string_pretty(&out)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let over: Vec<&str> = figures
        .iter()
        .filter(|f| !f.ok())
        .map(|f| f.name.as_str())
        .collect();
    if !over.is_empty() {
        bail!("over the limit: {}", over.join("; "));
    }
    Ok(())
}

/// The page figures: each view's read requests and read units with the whole history, held
/// against the same view with 1,000 work orders stored (limit: 10% more).
async fn page_figures(endpoint: &str, history: usize) -> anyhow::Result<Vec<Figure>> {
    let m = pages::measure(endpoint, 1_000, history.max(1_000)).await?;
    eprintln!(
        "pages: {} work orders against {} (the newest of the same history)",
        m.whole, m.small
    );
    let mut out = Vec::new();
    for (view, small, whole) in m.views {
        out.push(Figure {
            name: format!("{view}: read requests"),
            measured: whole.requests,
            against: small.requests.max(1.0),
            against_is: "1,000 work orders",
            unit: "rq",
            limit: 1.1,
        });
        out.push(Figure {
            name: format!("{view}: read units"),
            measured: whole.units,
            against: small.units.max(0.5),
            against_is: "1,000 work orders",
            unit: "RU",
            limit: 1.1,
        });
    }
    Ok(out)
}

/// Wall time per lifecycle with `clients` at once, against the 500 lifecycles a second of
/// issue 11 (2 ms each). The target holds for release builds; a debug build runs every line
/// unoptimised, so there it is a regression guard (see `DEBUG_THROUGHPUT_SLACK`). With it,
/// SQLite's work per submission and per lifecycle (printed, and for the JSON).
async fn throughput_figures(
    submissions: usize,
    lifecycles: usize,
    clients: usize,
) -> anyhow::Result<(Vec<Figure>, serde_json::Value)> {
    eprintln!(
        "throughput: {submissions} submissions, then {lifecycles} lifecycles, {clients} clients…"
    );
    let t = throughput::measure(submissions, lifecycles, clients).await?;
    println!(
        "throughput ({} clients): {:.0} submissions/s, {:.0} lifecycles/s (form -> offer -> accept -> slot -> arrived -> done -> invoice -> closed)",
        t.clients,
        t.submissions_per_second(),
        t.lifecycles_per_second()
    );
    let (sub, life) = (t.per_submission(), t.per_lifecycle());
    for (what, w) in [("submission", sub), ("lifecycle", life)] {
        println!(
            "store work per {what}: {:.1} transactions committed, {:.1} statements, {:.1} KB appended to the WAL, {:.3} background checkpoints",
            w.commits, w.statements, w.wal_kb, w.checkpoints
        );
    }
    let work = json!({
        "clients": t.clients,
        "submissions_per_second": t.submissions_per_second(),
        "lifecycles_per_second": t.lifecycles_per_second(),
        "per_submission": sub.json(),
        "per_lifecycle": life.json(),
    });
    let limit = if cfg!(debug_assertions) {
        DEBUG_THROUGHPUT_SLACK
    } else {
        1.0
    };
    let figures = vec![Figure {
        name: format!("lifecycle, form to closed ({} clients)", t.clients),
        measured: 1000.0 / t.lifecycles_per_second(),
        against: 2.0,
        against_is: "target",
        unit: "ms",
        limit,
    }];
    Ok((figures, work))
}

/// How many times slower than the release target a debug build may run lifecycles: about
/// twice the ratio measured in debug on a quiet 2-core machine.
const DEBUG_THROUGHPUT_SLACK: f64 = 40.0;

/// Each local page's p95 with `work_orders` stored, against issue 11's targets: 50 ms in a
/// release build, 150 ms in a debug one.
async fn local_page_figures(work_orders: usize, rounds: usize) -> anyhow::Result<Vec<Figure>> {
    eprintln!("local pages: {work_orders} work orders over five years, {rounds} requests a page…");
    let m = local_pages::measure(work_orders, rounds.max(1)).await?;
    eprintln!(
        "local pages: the history took {:.1} s to write",
        m.seeding.as_secs_f64()
    );
    for (page, times) in &m.pages {
        eprintln!(
            "local pages: {page}: median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
            ms(quantile(times, 0.5)),
            ms(quantile(times, 0.95)),
            ms(quantile(times, 1.0))
        );
    }
    let target = if cfg!(debug_assertions) { 150.0 } else { 50.0 };
    Ok(m.pages
        .into_iter()
        .map(|(page, times)| Figure {
            name: format!("{page}, {}k local (p95)", m.work_orders / 1000),
            measured: ms(quantile(&times, 0.95)),
            against: target,
            against_is: "target",
            unit: "ms",
            limit: 1.0,
        })
        .collect())
}
