//! `portolan mappings`: of one destination, of an accelerator (or one of its groups), or of
//! every accelerator, streamed page by page.

use std::io::Write;

use super::*;

pub(super) async fn mappings<W: Write>(
    cli: &Cli,
    args: &MappingsArgs,
    api: &dyn GlobalAccelerator,
    out: &mut Output<W>,
) -> Result<(), HeadlessError> {
    if let (Some(endpoint), Some(ip)) = (&args.endpoint, &args.ip) {
        let size = cli.page_size.unwrap_or(crate::api::MAX_RESULTS_MAPPINGS);
        let subnet = parse_subnet_id(endpoint)
            .map_err(|e| HeadlessError::Usage(format!("--endpoint: {e}")))?;
        let ip = parse_ipv4(ip)
            .map_err(|e| HeadlessError::Usage(format!("--ip: {e}")))?
            .to_string();
        name_accelerators(api, out).await?;
        stream(out, |t| {
            api.list_port_mappings_by_destination(&subnet, &ip, size, t)
        })
        .await?;
        return Ok(());
    }
    let accelerators = match &args.accelerator {
        Some(a) => vec![resolve_accelerator(api, a).await?],
        None => all_accelerators(api)
            .await?
            .into_iter()
            .map(|a| a.arn)
            .collect(),
    };
    let group = args.endpoint_group.as_deref();
    if let Some(g) = group
        && !matches!(parse_arn(g), Ok(ArnKind::EndpointGroup { .. }))
    {
        return Err(HeadlessError::Usage(format!(
            "--endpoint-group: {g:?} is not an endpoint group ARN"
        )));
    }
    name_accelerators(api, out).await?;
    // Every accelerator's endpoint groups are read as separate chains, several at once;
    // rows still come out in order: accelerator by accelerator, group by group.
    let options = ListingOptions {
        page_size: cli.page_size,
        ..ListingOptions::default()
    };
    let chains: Vec<MappingChain> = match group {
        Some(g) => accelerators
            .iter()
            .enumerate()
            .map(|(i, arn)| MappingChain {
                accelerator: i,
                accelerator_arn: arn.clone(),
                endpoint_group_arn: Some(g.to_string()),
            })
            .collect(),
        None => {
            let groups = listing::endpoint_groups_of(api, &accelerators, &options).await?;
            listing::mapping_chains(&accelerators.iter().cloned().zip(groups).collect::<Vec<_>>())
        }
    };
    let progress = progress::Progress::new();
    let limiter = listing::Limiter::new(&options);
    let (mut read, mut chains_done) = (0usize, 0usize);
    out.begin::<AcceleratorPortMapping>()?;
    listing::port_mappings::<HeadlessError, _>(
        api,
        &chains,
        listing::Order::Chains,
        &options,
        &limiter,
        |chain, page| {
            let last = page.is_last();
            let rows: Vec<AcceleratorPortMapping> = page
                .items
                .into_iter()
                .map(|mapping| AcceleratorPortMapping {
                    accelerator_arn: chain.accelerator_arn.clone(),
                    spans_accelerators: args.all,
                    mapping,
                })
                .collect();
            out.page(&rows)?;
            read += rows.len();
            chains_done += usize::from(last);
            progress.read(read, chains_done, chains.len());
            Ok(ControlFlow::Continue(()))
        },
    )
    .await?;
    drop(progress);
    out.finish::<AcceleratorPortMapping>()?;
    Ok(())
}

/// Tables name the accelerator each mapping belongs to (an ARN alone says nothing to a person).
pub(super) async fn name_accelerators<W: Write>(
    api: &dyn GlobalAccelerator,
    out: &mut Output<W>,
) -> Result<(), HeadlessError> {
    if out.format().is_table() {
        let names = all_accelerators(api)
            .await?
            .into_iter()
            .map(|a| (a.arn, a.name));
        out.set_names(AcceleratorNames::new(names));
    }
    Ok(())
}
