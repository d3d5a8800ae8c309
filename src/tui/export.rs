//! Writing mappings to a file in the headless formats, off the event loop: loaded rows from a
//! copy of the browser's table, or every page of the source read as the file is written.

use std::fs::File;
use std::io::{self, BufWriter};

use crate::api::{GlobalAccelerator, MAX_RESULTS_MAPPINGS};
use crate::app::screens::browser::Source;
use crate::app::{ExportJob, ExportRows};
use crate::format::{AcceleratorPortMapping, Output, Record};

/// Rows converted and written at a time.
const PAGE: usize = 4096;

fn create(job: &ExportJob) -> Result<Output<BufWriter<File>>, String> {
    // Never overwrite: the user confirms a path, not a deletion.
    let file = File::options()
        .write(true)
        .create_new(true)
        .open(&job.path)
        .map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => "the file exists; choose another name".to_string(),
            _ => e.to_string(),
        })?;
    Ok(Output::new(job.format, BufWriter::new(file), false))
}

fn finish<R: Record>(mut out: Output<BufWriter<File>>) -> Result<u64, String> {
    out.finish::<R>().map_err(|e| e.to_string())
}

/// Writes the job; returns how many mappings went into the file.
pub async fn run(job: ExportJob, api: &dyn GlobalAccelerator) -> Result<u64, String> {
    match &job.rows {
        ExportRows::Loaded {
            table,
            shown,
            by_destination,
        } => {
            let table = table.clone();
            // What the browser shows: its filter's rows, or every loaded row.
            let shown: Vec<usize> = match shown {
                Some(view) => view.iter().map(|&i| i as usize).collect(),
                None => (0..table.len()).collect(),
            };
            let by_destination = *by_destination;
            let job = job.clone();
            tokio::task::spawn_blocking(move || {
                let mut out = create(&job)?;
                let io = |e: io::Error| e.to_string();
                if by_destination {
                    out.begin::<crate::model::DestinationPortMapping>()
                        .map_err(io)?;
                    for chunk in shown.chunks(PAGE) {
                        let rows: Vec<_> = chunk
                            .iter()
                            .filter_map(|&i| table.get(i).map(|r| r.to_destination_mapping()))
                            .collect();
                        out.page(&rows).map_err(io)?;
                    }
                    finish::<crate::model::DestinationPortMapping>(out)
                } else {
                    out.begin::<AcceleratorPortMapping>().map_err(io)?;
                    for chunk in shown.chunks(PAGE) {
                        let rows: Vec<_> = chunk
                            .iter()
                            .filter_map(|&i| table.get(i))
                            .map(|r| AcceleratorPortMapping {
                                accelerator_arn: r.accelerator_arn.to_string(),
                                spans_accelerators: false,
                                mapping: r.to_port_mapping(),
                            })
                            .collect();
                        out.page(&rows).map_err(io)?;
                    }
                    finish::<AcceleratorPortMapping>(out)
                }
            })
            .await
            .map_err(|e| e.to_string())?
        }
        ExportRows::All(source) => all(&job, source, api).await,
    }
}

async fn all(job: &ExportJob, source: &Source, api: &dyn GlobalAccelerator) -> Result<u64, String> {
    let mut out = create(job)?;
    let io = |e: io::Error| e.to_string();
    let mut token = None;
    match source {
        Source::Destination { subnet, ip } => {
            out.begin::<crate::model::DestinationPortMapping>()
                .map_err(io)?;
            loop {
                let page = api
                    .list_port_mappings_by_destination(subnet, ip, MAX_RESULTS_MAPPINGS, token)
                    .await
                    .map_err(|e| e.to_string())?;
                out.page(&page.items).map_err(io)?;
                match page.next_token {
                    Some(t) => token = Some(t),
                    None => break,
                }
            }
            finish::<crate::model::DestinationPortMapping>(out)
        }
        Source::Accelerator { arn, group } => {
            out.begin::<AcceleratorPortMapping>().map_err(io)?;
            loop {
                let page = api
                    .list_port_mappings(arn, group.as_deref(), MAX_RESULTS_MAPPINGS, token)
                    .await
                    .map_err(|e| e.to_string())?;
                let rows: Vec<AcceleratorPortMapping> = page
                    .items
                    .into_iter()
                    .map(|mapping| AcceleratorPortMapping {
                        accelerator_arn: arn.clone(),
                        spans_accelerators: false,
                        mapping,
                    })
                    .collect();
                out.page(&rows).map_err(io)?;
                match page.next_token {
                    Some(t) => token = Some(t),
                    None => break,
                }
            }
            finish::<AcceleratorPortMapping>(out)
        }
    }
}
