pub(crate) fn run(_args: &crate::args::MergeArgs) -> anyhow::Result<crate::Outcome> {
    anyhow::bail!("todo")
}
