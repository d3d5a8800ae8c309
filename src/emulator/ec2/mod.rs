//! The emulator's EC2 subset: DescribeSubnets, DescribeNetworkInterfaces and DescribeInstances
//! in EC2's query protocol (form-encoded `Action=…&Version=2016-11-15`, XML answers in EC2's
//! namespace, EC2's error document and codes), for the region a request is signed for.
//!
//! It shares no code with portolan's EC2 client on purpose: the two are checked against each
//! other, and this side also against the AWS CLI and boto3.

mod describe;
mod filters;
pub mod fleet;
pub mod hosts;
mod query;
mod render;
mod xml;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_server;

use super::store::Store;

/// The actions this subset answers.
pub const ACTIONS: [&str; 3] = [
    "DescribeSubnets",
    "DescribeNetworkInterfaces",
    "DescribeInstances",
];

/// An EC2 error answer: `Code` and `Message` in EC2's error document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ec2Error {
    pub code: String,
    pub message: String,
}

impl Ec2Error {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }

    pub fn status(&self) -> u16 {
        Self::status_of(&self.code)
    }

    /// The HTTP status EC2 answers a code with (clients classify by the code; the status only
    /// decides what botocore's and the SDKs' retry rules look at).
    pub fn status_of(code: &str) -> u16 {
        match code {
            "AuthFailure" => 401,
            "UnauthorizedOperation" => 403,
            "DryRunOperation" => 412,
            "RequestLimitExceeded" | "ServiceUnavailable" | "Unavailable" => 503,
            "InternalError" | "InternalFailure" | "InternalServiceErrorException" => 500,
            _ => 400,
        }
    }

    /// EC2's error document for this error.
    pub fn document(&self, request_id: &str) -> Vec<u8> {
        xml::error_document(&self.code, &self.message, request_id)
    }

    /// What EC2 answers a throttled call with.
    pub fn throttled() -> Self {
        Self::new("RequestLimitExceeded", "Request limit exceeded.")
    }
}

/// The region in a SigV4 credential scope (`AKID/20250101/REGION/ec2/aws4_request`), from an
/// `Authorization` header or a presigned query's `X-Amz-Credential`.
pub fn signed_region(authorization: &str, query: &[(String, String)]) -> Option<String> {
    let credential = authorization
        .split_once("Credential=")
        .map(|(_, rest)| {
            rest.split([',', ' '])
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .or_else(|| {
            query
                .iter()
                .find(|(k, _)| k == "X-Amz-Credential")
                .map(|(_, v)| v.clone())
        })?;
    let region = credential.split('/').nth(2)?;
    (!region.is_empty()).then(|| region.to_string())
}

/// Decodes a form-encoded body (or query string) into its parameters.
pub fn params(form: &[u8]) -> Vec<(String, String)> {
    query::params(form)
}

/// The `Action` of a request, if it is an EC2 query-protocol request at all.
pub fn action(params: &[(String, String)]) -> Option<&str> {
    query::action(params)
}

/// Answers one EC2 request for `region` with the bytes of its XML document.
pub fn answer(
    store: &Store,
    region: &str,
    params: &[(String, String)],
    request_id: &str,
) -> Result<Vec<u8>, Ec2Error> {
    let action = query::action(params).unwrap_or_default();
    let scope = describe::Scope {
        store,
        region,
        request_id,
    };
    match action {
        "DescribeSubnets" => scope.subnets(&query::parse(params, "SubnetId")?),
        "DescribeNetworkInterfaces" => {
            scope.interfaces(&query::parse(params, "NetworkInterfaceId")?)
        }
        "DescribeInstances" => scope.instances(&query::parse(params, "InstanceId")?),
        other => Err(Ec2Error::new(
            "InvalidAction",
            format!("The action {other} is not valid for this web service."),
        )),
    }
}
