//! The profiles of the user's AWS config files (`~/.aws/config`, `~/.aws/credentials`, or
//! where `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` point), read by `aws-config`'s
//! own parser, for the profile switcher.

use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};

/// Every profile name, sorted; an error when the files cannot be read or parsed.
pub async fn names() -> Result<Vec<String>, String> {
    let set =
        aws_config::profile::load(&Fs::real(), &Env::real(), &EnvConfigFiles::default(), None)
            .await
            .map_err(|e| format!("the AWS config files could not be read: {e}"))?;
    let mut names: Vec<String> = set.profiles().map(str::to_string).collect();
    names.sort();
    names.dedup();
    Ok(names)
}
