//! The portfolio's import from the team's PMS on the [`PmsDirectory`] port: read everything
//! the PMS holds, merge it into the portfolio by the domain's rule
//! (`mendwork_domain::import`), and check the result as a loaded file is checked. All or
//! nothing: a failed read or a merged portfolio that would not load gives an error and no
//! portfolio, so the caller writes nothing.

use crate::pms::{PmsDirectory, PmsError};
use mendwork_domain::Portfolio;
use mendwork_domain::config::parse_portfolio;
use mendwork_domain::import::{ImportReport, merge};

/// The first line of a portfolio file the import wrote.
pub const HEADER: &str = "# The portfolio, merged with the team's PMS by `import-buildium` \
(contact details, insurance, units and tenants come from the PMS; see the README, Integrations).\n";

/// A merged portfolio, its file text (checked: it loads) and what changed.
#[derive(Debug, Clone)]
pub struct Imported {
    pub portfolio: Portfolio,
    pub yaml: String,
    pub report: ImportReport,
}

/// Why an import gave nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("reading the PMS: {0}")]
    Pms(#[from] PmsError),
    /// The merge made a portfolio the load check refuses (e.g. a PMS phone already used by
    /// another vendor of the file); the text lists every problem with its path.
    #[error("the merged portfolio would not load, so nothing was written:\n{0}")]
    Invalid(String),
    #[error("writing the merged portfolio as YAML: {0}")]
    Yaml(String),
}

/// Reads `pms` whole and merges it into `file`.
pub async fn import(file: &Portfolio, pms: &dyn PmsDirectory) -> Result<Imported, ImportError> {
    let directory = pms.directory().await?;
    let (portfolio, report) = merge(file, &directory);
    let body = mendwork_domain::import::to_yaml(&portfolio).map_err(ImportError::Yaml)?;
    let yaml = format!("{HEADER}{body}");
    // The same check a load makes: what is written loads.
    let portfolio = parse_portfolio(&yaml, "the merged portfolio")
        .map_err(|e| ImportError::Invalid(e.to_string()))?;
    Ok(Imported {
        portfolio,
        yaml,
        report,
    })
}
