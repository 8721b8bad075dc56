//! Secrets the server needs (token signing keys, webhook secrets). In production they come
//! from the environment through `Settings`; in development, a missing one is generated once and kept in
//! `<data dir>/secrets.json` (mode 0600) so sessions survive restarts. Never logged: the
//! type's `Debug` prints a placeholder.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;

/// A secret value; its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// An empty value (a variable set to nothing) counts as absent.
    fn given(value: Option<&Secret>) -> Option<&Secret> {
        value.filter(|secret| !secret.0.is_empty())
    }

    fn generate() -> Self {
        let mut bytes = [0u8; 48];
        rand::rng().fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

/// Read from a flag or the environment (`Settings`).
impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self::from(value))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The secrets in force, each from its environment variable or the development store.
#[derive(Debug, Clone)]
pub struct Secrets {
    /// Signs access tokens (HMAC). `ENSEMBLE_TOKEN_SECRET`.
    pub token_signing_key: Secret,
    /// Signs the sandbox's webhooks and checkout links. `ENSEMBLE_SANDBOX_SECRET`.
    pub sandbox_secret: Secret,
}

const SECRETS_FILE: &str = "secrets.json";

impl Secrets {
    /// Takes each secret from the settings (which read the environment), else from the
    /// store in the data directory, else generates it and saves it there.
    pub fn load(settings: &crate::config::Settings) -> anyhow::Result<Self> {
        let path = settings.data_dir.join(SECRETS_FILE);
        let mut stored: BTreeMap<String, String> = match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .with_context(|| format!("{} is not a JSON object of strings", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let mut changed = false;
        let mut get = |given: Option<&Secret>, key: &str| -> Secret {
            if let Some(secret) = Secret::given(given) {
                return secret.clone();
            }
            if let Some(value) = stored.get(key) {
                return Secret::new(value.clone());
            }
            let secret = Secret::generate();
            stored.insert(key.to_owned(), secret.expose().to_owned());
            changed = true;
            secret
        };
        let secrets = Self {
            token_signing_key: get(settings.token_secret.as_ref(), "token_signing_key"),
            sandbox_secret: get(settings.sandbox_secret.as_ref(), "sandbox_secret"),
        };
        if changed {
            write_private(&path, &serde_json::to_string_pretty(&stored)?)?;
            tracing::info!(path = %path.display(), "generated development secrets");
        }
        Ok(secrets)
    }
}

fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}
