//! The pipe measures through `pglet page` FIFOs (to be filled in).

use crate::scenarios::Sizes;
use crate::stats::Results;
use crate::target::Target;
use anyhow::Result;
use std::path::Path;

pub async fn suite(_t: &Target, _dir: &Path, _sz: &Sizes, _res: &mut Results) -> Result<()> {
    anyhow::bail!("not implemented")
}
