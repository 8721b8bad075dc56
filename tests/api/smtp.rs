//! A real SMTP server for the mail tests: Python's `aiosmtpd` (`tests/mail/smtp_server.py`,
//! installed by `scripts/test.sh` into `.venv`), started per test on a free port, keeping
//! what it receives in a Maildir that the tests read back.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::helpers::Mail;

pub struct SmtpServer {
    pub port: u16,
    maildir: tempfile::TempDir,
    child: Child,
}

/// The Python that has aiosmtpd, Pillow and moto: `ENSEMBLE_TEST_PYTHON`, else the
/// project's `.venv`.
pub fn python() -> PathBuf {
    if let Ok(python) = std::env::var("ENSEMBLE_TEST_PYTHON") {
        return PathBuf::from(python);
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    assert!(
        venv.exists(),
        "the mail and picture tests need aiosmtpd, Pillow and moto: run scripts/test.sh once \
         (it installs them into .venv), or set ENSEMBLE_TEST_PYTHON to a Python that has them"
    );
    venv
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

impl SmtpServer {
    pub fn start() -> Self {
        Self::start_on(free_port())
    }

    pub fn start_on(port: u16) -> Self {
        let maildir = tempfile::tempdir().unwrap();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/mail/smtp_server.py");
        let mut child = Command::new(python())
            .arg(script)
            .arg(port.to_string())
            .arg(maildir.path().join("box"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        Self {
            port,
            maildir,
            child,
        }
    }

    /// `ENSEMBLE_SMTP_URL` for this server (plain SMTP: it is on this machine).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    /// Every message received, in no particular order.
    pub fn messages(&self) -> Vec<Mail> {
        let mut found = Vec::new();
        for sub in ["new", "cur"] {
            let dir = self.maildir.path().join("box").join(sub);
            if let Ok(entries) = std::fs::read_dir(dir) {
                for entry in entries.flatten() {
                    if let Some(mail) = std::fs::read(entry.path())
                        .ok()
                        .and_then(|b| Mail::parse(&b))
                    {
                        found.push(mail);
                    }
                }
            }
        }
        found
    }

    /// The messages to `to`.
    pub fn to(&self, to: &str) -> Vec<Mail> {
        self.messages()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(to)))
            .collect()
    }

    /// Waits (15 s at most) until `count` messages to `to` arrived; answers them.
    pub async fn wait_for(&self, to: &str, count: usize) -> Vec<Mail> {
        for _ in 0..300 {
            let got = self.to(to);
            if got.len() >= count {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "{count} messages to {to} did not come: {:?}",
            self.to(to).iter().map(|m| &m.subject).collect::<Vec<_>>()
        );
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
