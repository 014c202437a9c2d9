//! Which repository a run checks, as its git remotes name it: the host, owner and name of `origin` (and of
//! `upstream`, the fork convention of GitHub's CLI), for policies as `data.hindsight.repository`
//! (`docs/rego.md`). HS3001 counts the owner's actions as first-party.
//!
//! Read textually, without git2, so that the engine and the language server build without C: the `.git`
//! directory is found from the checked path upwards (a `.git` *file*, in worktrees and submodules, points to
//! the real one with `gitdir:`, and a worktree's `commondir` to the directory that holds the shared `config`),
//! and the remotes' URLs come from a small reading of git's INI format. Only host, owner and name are kept: a
//! URL's credentials are never stored or shown.

use std::path::{Path, PathBuf};

/// A repository as a remote URL names it: `https://github.com/linkerd/linkerd2-proxy.git` is host
/// `github.com`, owner `linkerd`, name `linkerd2-proxy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remote {
    /// The host, lower-cased (`github.com`, a GitHub Enterprise host, ...).
    pub host: String,
    /// The owner: the user or organisation, the first segment of the path.
    pub owner: String,
    /// The repository's name, the last segment of the path, without `.git`.
    pub name: String,
}

/// The remotes of the repository a run checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repository {
    /// The `origin` remote.
    pub origin: Remote,
    /// The `upstream` remote, when a fork's clone names the repository it was forked from.
    pub upstream: Option<Remote>,
}

impl Remote {
    /// Reads a remote URL: `https://host/owner/name(.git)`, `ssh://[user@]host[:port]/owner/name(.git)`,
    /// `git://...`, or scp-like `[user@]host:owner/name(.git)`. Local paths and `file://` URLs name no owner:
    /// `None`.
    pub fn from_url(url: &str) -> Option<Remote> {
        let url = url.trim();
        let (host, path) = if let Some((scheme, rest)) = url.split_once("://") {
            if !matches!(
                scheme.to_ascii_lowercase().as_str(),
                "https" | "http" | "ssh" | "git" | "git+ssh" | "ssh+git"
            ) {
                return None;
            }
            let (authority, path) = rest.split_once('/')?;
            // `host:port`: the port is not part of the host.
            let host = authority.rsplit('@').next()?;
            let host = match host.rsplit_once(':') {
                Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
                _ => host,
            };
            (host, path)
        } else {
            // scp-like syntax: a colon before any slash. `C:/x` and `/srv/x.git` are local paths.
            let colon = url.find(':')?;
            if url[..colon].contains('/') || colon < 2 {
                return None;
            }
            let host = url[..colon].rsplit('@').next()?;
            (host, &url[colon + 1..])
        };
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let (owner, name) = match segments.as_slice() {
            [owner, .., name] => (*owner, *name),
            _ => return None,
        };
        let name = name.strip_suffix(".git").unwrap_or(name);
        if host.is_empty() || owner.is_empty() || name.is_empty() {
            return None;
        }
        Some(Remote {
            host: host.to_ascii_lowercase(),
            owner: owner.to_string(),
            name: name.to_string(),
        })
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"host": self.host, "owner": self.owner, "name": self.name})
    }
}

impl Repository {
    /// The repository that holds `start` (a file or a directory), from its git configuration; `None` outside
    /// a git repository or without an `origin` remote that names an owner. Reads files; never fails.
    pub fn discover(start: &Path) -> Option<Repository> {
        let config = config_file(start)?;
        let text = std::fs::read_to_string(config).ok()?;
        Repository::from_config(&text)
    }

    /// The repository a git configuration file's `origin` (and `upstream`) remotes name.
    pub fn from_config(text: &str) -> Option<Repository> {
        let origin = remote_url(text, "origin").and_then(|url| Remote::from_url(&url))?;
        let upstream = remote_url(text, "upstream")
            .and_then(|url| Remote::from_url(&url))
            .filter(|upstream| *upstream != origin);
        Some(Repository { origin, upstream })
    }

    /// `data.hindsight.repository` as policies see it: the origin's `host`, `owner` and `name`, and
    /// `upstream` (the same three fields) when there is one.
    pub fn to_json(&self) -> serde_json::Value {
        let mut value = self.origin.to_json();
        if let (Some(upstream), serde_json::Value::Object(map)) = (&self.upstream, &mut value) {
            map.insert("upstream".into(), upstream.to_json());
        }
        value
    }
}

/// The `config` file of the git repository that holds `start`.
fn config_file(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).ok()?;
    for dir in start.ancestors() {
        let dot_git = dir.join(".git");
        let git_dir = if dot_git.is_dir() {
            dot_git
        } else if dot_git.is_file() {
            // Worktrees and submodules: `gitdir: <path>`, relative to the directory of the `.git` file.
            let text = std::fs::read_to_string(&dot_git).ok()?;
            let target = text.lines().find_map(|l| l.strip_prefix("gitdir:"))?.trim();
            dir.join(target)
        } else {
            continue;
        };
        // A worktree's own directory names the one holding the shared configuration.
        let common = match std::fs::read_to_string(git_dir.join("commondir")) {
            Ok(text) => git_dir.join(text.trim()),
            Err(_) => git_dir,
        };
        return Some(common.join("config"));
    }
    None
}

/// The first `url` of `[remote "<name>"]` in a git configuration file. Section and key names are
/// case-insensitive, subsection names are not; values may be quoted; `#` and `;` start comments.
fn remote_url(text: &str, remote: &str) -> Option<String> {
    let mut in_section = false;
    for line in text.lines() {
        let line = line.trim();
        if let Some(header) = line.strip_prefix('[') {
            let header = header.split(']').next().unwrap_or("");
            in_section = match header.split_once(char::is_whitespace) {
                Some((section, sub)) => {
                    section.eq_ignore_ascii_case("remote") && sub.trim().trim_matches('"') == remote
                }
                // The old `[remote.origin]` form.
                None => header
                    .split_once('.')
                    .is_some_and(|(s, sub)| s.eq_ignore_ascii_case("remote") && sub == remote),
            };
            continue;
        }
        if !in_section {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.trim().eq_ignore_ascii_case("url") {
            let value = value.trim();
            let value = match value.strip_prefix('"') {
                Some(quoted) => quoted.split('"').next().unwrap_or(""),
                None => value.split([';', '#']).next().unwrap_or("").trim_end(),
            };
            return Some(value.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(url: &str) -> Option<String> {
        Remote::from_url(url).map(|r| format!("{} {} {}", r.host, r.owner, r.name))
    }

    #[test]
    fn remote_urls_name_host_owner_and_name() {
        for (url, expected) in [
            (
                "https://github.com/linkerd/linkerd2-proxy.git",
                "github.com linkerd linkerd2-proxy",
            ),
            (
                "https://github.com/linkerd/linkerd2-proxy",
                "github.com linkerd linkerd2-proxy",
            ),
            (
                "https://github.com/linkerd/linkerd2-proxy/",
                "github.com linkerd linkerd2-proxy",
            ),
            (
                "git@github.com:meilisearch/meilisearch.git",
                "github.com meilisearch meilisearch",
            ),
            (
                "git@github.com:meilisearch/meilisearch",
                "github.com meilisearch meilisearch",
            ),
            (
                "ssh://git@github.com/argoproj/argo-cd.git",
                "github.com argoproj argo-cd",
            ),
            (
                "ssh://git@ghe.example.com:2222/platform/deploy.git",
                "ghe.example.com platform deploy",
            ),
            (
                "https://ci:s3cret@GHE.example.com/Platform/deploy.git",
                "ghe.example.com Platform deploy",
            ),
            (
                "git://github.com/qdrant/qdrant.git",
                "github.com qdrant qdrant",
            ),
        ] {
            assert_eq!(owner(url).as_deref(), Some(expected), "{url}");
        }
        for local in [
            "/srv/git/project.git",
            "../project",
            "file:///srv/git/project.git",
            "C:/repos/project",
            "https://github.com/",
            "https://github.com/onlyowner",
        ] {
            assert_eq!(owner(local), None, "{local}");
        }
    }

    #[test]
    fn config_files_give_origin_and_upstream() {
        let config = "[core]\n\trepositoryformatversion = 0\n[remote \"fork\"]\n\turl = https://github.com/someone/x.git\n[Remote \"origin\"] # the clone\n\tURL = \"git@github.com:me/linkerd2-proxy.git\"\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n[remote \"upstream\"]\n\turl = https://github.com/linkerd/linkerd2-proxy.git ; gh's fork convention\n";
        let repo = Repository::from_config(config).unwrap();
        assert_eq!(repo.origin.owner, "me");
        assert_eq!(repo.upstream.as_ref().unwrap().owner, "linkerd");
        assert_eq!(
            repo.to_json(),
            serde_json::json!({"host": "github.com", "owner": "me", "name": "linkerd2-proxy",
                "upstream": {"host": "github.com", "owner": "linkerd", "name": "linkerd2-proxy"}})
        );
        assert_eq!(
            Repository::from_config("[remote.origin]\nurl = https://github.com/a/b\n")
                .map(|r| r.origin.owner),
            Some("a".into())
        );
        assert_eq!(
            Repository::from_config("[remote \"upstream\"]\nurl = https://github.com/a/b\n"),
            None
        );
    }

    #[test]
    fn the_git_directory_is_found_upwards_through_worktree_links() {
        let dir = tempfile::tempdir().unwrap();
        let main = dir.path().join("main");
        std::fs::create_dir_all(main.join(".git/worktrees/feature")).unwrap();
        std::fs::create_dir_all(main.join("src/deep")).unwrap();
        std::fs::write(
            main.join(".git/config"),
            "[remote \"origin\"]\n\turl = https://github.com/acme/service.git\n",
        )
        .unwrap();
        std::fs::write(main.join(".git/worktrees/feature/commondir"), "../..\n").unwrap();
        let worktree = dir.path().join("feature");
        std::fs::create_dir_all(worktree.join(".github/workflows")).unwrap();
        std::fs::write(
            worktree.join(".git"),
            format!(
                "gitdir: {}\n",
                main.join(".git/worktrees/feature").display()
            ),
        )
        .unwrap();
        for start in [
            main.join("src/deep"),
            main.clone(),
            worktree.join(".github/workflows"),
            worktree.join(".github/workflows/ci.yml"),
        ] {
            let repo = Repository::discover(&start);
            assert_eq!(
                repo.map(|r| r.origin.owner).as_deref(),
                Some("acme"),
                "{}",
                start.display()
            );
        }
        assert_eq!(Repository::discover(dir.path()), None);
    }
}
