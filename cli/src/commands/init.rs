pub(crate) fn run(_args: &crate::args::InitArgs) -> anyhow::Result<crate::Outcome> {
    anyhow::bail!("todo")
}
