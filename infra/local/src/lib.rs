//! The local runner: the whole of Mendwork in one process on 127.0.0.1 — the same steps and
//! routers as in AWS, on the embedded store, a virtual clock and recorded messages — plus the
//! harness API that end-to-end tests drive.

mod harness;
pub mod hosts;
mod pms_poll;
pub mod seed;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use mendwork_app::deliveries::{Secrets, Webhooks};
use mendwork_app::ports::{Clock, Directory};
use mendwork_app::webhooks_http::ReqwestSender;
use mendwork_app::{App, LinkSigner};
use mendwork_domain::Portfolio;
use mendwork_domain::config::{load_portfolio, parse_portfolio};
use mendwork_embedded::{
    ClockMode, DirFiles, RandomIds, RecordingMailer, RecordingTexter, SqliteStore, SqliteTimers,
    VirtualClock,
};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::Mutex;

/// The sample portfolio, built in so that `cargo run` works from anywhere.
pub const SAMPLE_PORTFOLIO: &str = include_str!("../../sample-portfolio.yaml");

/// How to start a local instance.
#[derive(Debug, Clone)]
pub struct Options {
    /// The portfolio YAML; `None` runs the built-in sample portfolio.
    pub config: Option<PathBuf>,
    /// The embedded store file (created if missing).
    pub db: PathBuf,
    /// 0 picks a free port.
    pub port: u16,
    /// `Some(t)`: a frozen virtual clock starting at `t` (time moves only through the
    /// harness). `None`: virtual time follows the wall clock (with any offset the harness
    /// added), and due timers fire by themselves.
    pub clock_start: Option<DateTime<Utc>>,
    /// The signing secrets of the portfolio's webhook endpoints (`--webhook-secrets FILE`).
    pub webhook_secrets: Secrets,
    /// Buildium's address and credentials (`--buildium FILE`): when given, Buildium is polled
    /// and the work orders pulled from it report back to it.
    pub buildium: Option<mendwork_app::pms::buildium::BuildiumConfig>,
}

impl Options {
    /// The runner's defaults on the store `db`: the built-in sample portfolio, a free port,
    /// virtual time following the wall clock, no webhook secrets, no PMS. Callers change what
    /// they need with struct update syntax (`Options { clock_start, ..Options::new(db) }`), so
    /// a new option touches only the callers that use it.
    pub fn new(db: impl Into<PathBuf>) -> Options {
        Options {
            config: None,
            db: db.into(),
            port: 0,
            clock_start: None,
            webhook_secrets: Secrets::default(),
            buildium: None,
        }
    }
}

/// A running local instance.
pub struct Running {
    pub addr: SocketAddr,
    pub base_url: String,
    pub app: App,
    shutdown: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<()>,
    ticker: tokio::task::JoinHandle<()>,
    poller: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Stops serving and waits for the server task to end.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(());
        self.ticker.abort();
        if let Some(p) = self.poller {
            p.abort();
        }
        let _ = self.server.await;
    }

    /// Waits until the server stops (Ctrl-C handling is the caller's).
    pub async fn wait(self) {
        let _ = self.server.await;
    }
}

struct StaticDirectory(Arc<Portfolio>);

impl Directory for StaticDirectory {
    fn portfolio(&self) -> Arc<Portfolio> {
        self.0.clone()
    }
}

/// Shared by the harness routes and the ticker: the pieces only local mode has.
#[derive(Clone)]
pub(crate) struct Local {
    pub app: App,
    pub store: Arc<SqliteStore>,
    pub timers: Arc<SqliteTimers>,
    pub clock: VirtualClock,
    /// Serialises clock moves so timers fire once and in order.
    pub clock_lock: Arc<Mutex<()>>,
}

/// Starts a local instance: opens (or creates) the store, loads the portfolio, sets the clock,
/// delivers anything a previous run left in the outbox, arms recurring templates and serves.
pub async fn start(opts: Options) -> anyhow::Result<Running> {
    let portfolio = match &opts.config {
        Some(path) => load_portfolio(path).map_err(|e| anyhow::anyhow!("{e}"))?,
        None => parse_portfolio(SAMPLE_PORTFOLIO, "sample-portfolio.yaml")
            .map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    // An endpoint without a secret is sent nothing (its log says so); say it at start too.
    for e in &portfolio.webhooks {
        if opts.webhook_secrets.of(&e.name).is_empty() {
            tracing::warn!(endpoint = %e.name, "this webhook endpoint has no secret (--webhook-secrets): nothing is sent to it");
        }
    }
    let store = Arc::new(
        SqliteStore::open(&opts.db)
            .with_context(|| format!("opening the store {}", opts.db.display()))?,
    );
    let clock = store.clock();
    if let Some(t) = opts.clock_start {
        // A frozen start applies only to a store still on plain wall-clock time (a new one):
        // a restart keeps the virtual time it had.
        if matches!(clock.mode(), ClockMode::Offset(d) if d.is_zero()) {
            clock
                .set_mode(ClockMode::Frozen(t))
                .context("setting the virtual clock")?;
        }
    }
    let timers = Arc::new(store.timers());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", opts.port))
        .await
        .with_context(|| format!("binding 127.0.0.1:{}", opts.port))?;
    let addr = listener.local_addr().context("reading the bound address")?;
    let base_url = format!("http://{addr}");
    let clock_arc: Arc<dyn Clock> = Arc::new(clock.clone());
    let secret = link_secret(&opts.db).context("reading the link secret")?;
    let links = LinkSigner::new(&secret, &base_url, clock_arc.clone())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut webhooks = Webhooks::new(
        store.clone(),
        // http:// is allowed here, to the loopback receivers the configuration allows.
        Arc::new(ReqwestSender::new(false).context("building the webhook sender")?),
        opts.webhook_secrets.clone(),
    );
    let buildium = match opts.buildium.clone() {
        Some(config) => Some(Arc::new(
            mendwork_app::pms::buildium::Buildium::new(config)
                .map_err(|e| anyhow::anyhow!("{e}"))?,
        )),
        None => None,
    };
    if let Some(b) = &buildium {
        webhooks.pms = Some(b.clone());
    }
    // Files people attach (photos, invoices) are kept beside the store, like the link secret;
    // so are archived timelines, under `archive/timelines/` in the same folder.
    let files_dir = sibling(&opts.db, ".photos");
    std::fs::create_dir_all(&files_dir).with_context(|| {
        format!(
            "creating the folder for attached files {}",
            files_dir.display()
        )
    })?;
    let files = Arc::new(DirFiles::new(files_dir));
    let app = App {
        work_orders: store.clone(),
        lookups: store.clone(),
        outbox: store.clone(),
        keys: store.clone(),
        visits: store.clone(),
        opt_outs: store.clone(),
        queries: store.clone(),
        metrics: store.clone(),
        timers: timers.clone(),
        mailer: Arc::new(RecordingMailer::new(&store, clock_arc.clone())),
        texter: Arc::new(RecordingTexter::new(&store, clock_arc.clone())),
        clock: clock_arc,
        directory: Arc::new(StaticDirectory(Arc::new(portfolio))),
        ids: Arc::new(RandomIds),
        links: Arc::new(links),
        limits: store.clone(),
        webhooks,
        api_keys: store.clone(),
        archive: Some(mendwork_app::archive::Archive {
            store: store.clone(),
            files: files.clone(),
        }),
    };
    app.drain()
        .await
        .context("delivering what the last run left in the outbox")?;
    mendwork_app::recurring::ensure_all(&app)
        .await
        .context("arming recurring work orders")?;

    let local = Local {
        app: app.clone(),
        store,
        timers,
        clock,
        clock_lock: Arc::new(Mutex::new(())),
    };
    let router = mendwork_web::with_files(mendwork_web::router(app.clone()), files)
        .merge(harness::router(local.clone()))
        .layer(axum::middleware::from_fn(hosts::only_loopback));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let serve = axum::serve(listener, router).with_graceful_shutdown(async {
            let _ = rx.await;
        });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "the local server stopped");
        }
    });
    let poller = buildium.map(|b| tokio::spawn(pms_poll::every(local.clone(), b)));
    let ticker = tokio::spawn(harness::tick(local, opts.clock_start.is_none()));
    Ok(Running {
        addr,
        base_url,
        app,
        shutdown: tx,
        server,
        ticker,
        poller,
    })
}

/// `<db><suffix>`: files that belong with the store live next to it.
fn sibling(db: &Path, suffix: &str) -> PathBuf {
    let mut path = db.as_os_str().to_owned();
    path.push(suffix);
    PathBuf::from(path)
}

/// The secret that signs links, kept beside the store so links survive a restart. Readable
/// by its owner only (mode 0600, set as the file is created, and again on a file an older
/// version left readable), as anyone who reads it can sign themselves into the dashboard.
pub fn link_secret(db: &Path) -> std::io::Result<Vec<u8>> {
    let path = sibling(db, ".secret");
    match std::fs::read(&path) {
        Ok(bytes) if bytes.len() >= 32 => {
            owner_only(&path)?;
            Ok(bytes)
        }
        _ => {
            let secret: [u8; 32] = rand::random();
            let _ = std::fs::remove_file(&path);
            write_owner_only(&path, &secret)?;
            Ok(secret.to_vec())
        }
    }
}

#[cfg(unix)]
fn write_owner_only(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_owner_only(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(unix)]
fn owner_only(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn owner_only(_path: &Path) -> std::io::Result<()> {
    Ok(())
}
