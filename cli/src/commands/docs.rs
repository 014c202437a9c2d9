//! `hindsight docs --out DIR`: the static documentation site.

use std::io::Write as _;

use anyhow::Context as _;

use crate::Outcome;
use crate::args::DocsArgs;

pub(crate) fn run(args: &DocsArgs) -> anyhow::Result<Outcome> {
    let setup = crate::setup::load(&args.pack, std::path::Path::new("."))?;
    let report = super::coverage::build(&setup.pack, &setup.config);
    let files = crate::site::build(&setup.pack, &report);
    for file in &files {
        let path = args.out.join(&file.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("could not create {}", dir.display()))?;
        }
        crate::write::atomic(&path, &file.contents)?;
    }
    writeln!(
        std::io::stderr(),
        "wrote {} files to {}; open {}",
        files.len(),
        args.out.display(),
        args.out.join("index.html").display()
    )?;
    crate::setup::finish_report(&setup.pack)
}
