//! Where a call goes: the endpoint the AWS set-up names (`AWS_ENDPOINT_URL_EC2`,
//! `AWS_ENDPOINT_URL`, the profile's `services` section or `endpoint_url`, `--endpoint-url`),
//! else the regional endpoint as the SDK forms it for the `aws` partition.

use super::error::Ec2Error;

/// How the SDK's endpoint rules form EC2's host, from the shared config's `use_fips` and
/// `use_dual_stack`, unless an endpoint URL overrides them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointRules {
    /// An endpoint URL that wins over everything else.
    pub url: Option<String>,
    pub use_fips: bool,
    pub use_dual_stack: bool,
}

impl EndpointRules {
    /// The rules the shared AWS set-up implies, resolved as the SDK resolves them: the
    /// service-specific variable or profile key first (`AWS_ENDPOINT_URL_EC2`, `[services]`
    /// `ec2 = endpoint_url = …`), then the general one, which also carries an endpoint set in
    /// code. Setting one in code makes aws-config ignore the configured ones, so it wins.
    pub fn from_shared(shared: &aws_types::SdkConfig) -> Self {
        let key = aws_types::service_config::ServiceConfigKey::builder()
            .service_id("EC2")
            .env("AWS_ENDPOINT_URL")
            .profile("endpoint_url")
            .build()
            .ok();
        let url = key
            .and_then(|key| shared.service_config().and_then(|c| c.load_config(key)))
            .or_else(|| shared.endpoint_url().map(str::to_string))
            .filter(|u| !u.trim().is_empty());
        Self {
            url,
            use_fips: shared.use_fips().unwrap_or(false),
            use_dual_stack: shared.use_dual_stack().unwrap_or(false),
        }
    }

    /// The URL to POST a call in `region` to.
    pub fn url_for(&self, region: &str) -> Result<String, Ec2Error> {
        check_region(region)?;
        if let Some(url) = &self.url {
            return Ok(url.clone());
        }
        let host = if self.use_fips { "ec2-fips" } else { "ec2" };
        let domain = if self.use_dual_stack {
            "api.aws"
        } else {
            "amazonaws.com"
        };
        Ok(format!("https://{host}.{region}.{domain}"))
    }
}

/// A region is a host label: anything else in it would send the signed request elsewhere.
fn check_region(region: &str) -> Result<(), Ec2Error> {
    let well_formed = !region.is_empty()
        && region.len() <= 63
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if well_formed {
        Ok(())
    } else {
        Err(Ec2Error::InvalidParameter {
            code: "InvalidRegion".into(),
            message: format!("{region:?} is not a region name"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(fips: bool, dual: bool) -> EndpointRules {
        EndpointRules {
            url: None,
            use_fips: fips,
            use_dual_stack: dual,
        }
    }

    #[test]
    fn regional_endpoints_follow_the_sdk_rules_for_the_aws_partition() {
        assert_eq!(
            rules(false, false).url_for("us-east-1").unwrap(),
            "https://ec2.us-east-1.amazonaws.com"
        );
        assert_eq!(
            rules(true, false).url_for("us-west-2").unwrap(),
            "https://ec2-fips.us-west-2.amazonaws.com"
        );
        assert_eq!(
            rules(false, true).url_for("eu-west-1").unwrap(),
            "https://ec2.eu-west-1.api.aws"
        );
        assert_eq!(
            rules(true, true).url_for("ca-central-1").unwrap(),
            "https://ec2-fips.ca-central-1.api.aws"
        );
    }

    #[test]
    fn an_endpoint_url_wins_over_fips_and_dual_stack() {
        let r = EndpointRules {
            url: Some("http://127.0.0.1:4566".into()),
            use_fips: true,
            use_dual_stack: true,
        };
        assert_eq!(r.url_for("ap-south-1").unwrap(), "http://127.0.0.1:4566");
    }

    #[test]
    fn a_region_that_is_not_a_host_label_is_refused() {
        for bad in [
            "",
            "us-east-1.evil.example",
            "us east",
            "US-EAST-1",
            "a/b",
            "-x",
        ] {
            assert!(
                matches!(
                    rules(false, false).url_for(bad),
                    Err(Ec2Error::InvalidParameter { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_shared_config_supplies_url_fips_and_dual_stack() {
        let shared = aws_types::SdkConfig::builder()
            .endpoint_url("http://localhost:9000")
            .use_fips(true)
            .build();
        let r = EndpointRules::from_shared(&shared);
        assert_eq!(r.url.as_deref(), Some("http://localhost:9000"));
        assert!(r.use_fips && !r.use_dual_stack);
        let plain = EndpointRules::from_shared(&aws_types::SdkConfig::builder().build());
        assert_eq!(plain, EndpointRules::default());
    }
}
