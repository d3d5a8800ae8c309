//! Figures for the port-mapping browser: the time to draw one 160×48 frame with 1,000,
//! 65,000 and 1,000,000 mappings loaded, the heap bytes each loaded mapping costs (counted
//! by a wrapping allocator), and mappings per second fetched through the real SDK from the
//! emulator at page sizes 100, 1000 and 20000.
//!
//! Run: `cargo bench --bench browser`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use portolan::api::{ClientOptions, GlobalAccelerator, SdkClient};
use portolan::app::screens::browser::Browser;
use portolan::app::{Context, Screen, State};
use portolan::emulator::{Emulator, EmulatorOptions, LocalEmulator, Topology};
use portolan::model::{
    Accelerator, AcceleratorStatus, Page, PortMapping, ProtocolSet, SocketAddress, TrafficState,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const ACC: &str =
    "arn:aws:globalaccelerator::111122223333:accelerator/3f1c2b7e-5d4a-4e2b-9c1d-0a7e6f5b4c3d";

fn accelerator() -> Accelerator {
    Accelerator {
        arn: ACC.into(),
        name: "voip-core".into(),
        ip_address_type: None,
        enabled: true,
        status: AcceleratorStatus::Deployed,
        static_ips: vec!["75.2.16.1".into(), "99.83.20.1".into()],
        dns_name: "a.awsglobalaccelerator.com".into(),
        created: None,
        last_modified: None,
        tags: vec![],
    }
}

/// A page of mappings as the API gives them: 40 endpoint groups, 400 subnets.
fn page(from: usize, n: usize) -> Page<PortMapping> {
    let items = (from..from + n)
        .map(|i| {
            let group = i % 40;
            PortMapping {
                accelerator_port: (i % 65_535 + 1) as u16,
                endpoint_group_arn: format!("{ACC}/listener/0a1b2c3d/endpoint-group/{group:012x}"),
                endpoint_id: format!("subnet-{:017x}", i % 400),
                destination: SocketAddress {
                    ip: format!("10.{}.{}.{}", i >> 16 & 255, i >> 8 & 255, i & 255),
                    port: 7000 + (i % 16) as u16,
                },
                protocols: ProtocolSet::UDP,
                traffic: if i % 5 == 0 {
                    TrafficState::Deny
                } else {
                    TrafficState::Allow
                },
            }
        })
        .collect();
    Page {
        items,
        next_token: Some("more".into()),
    }
}

/// A browser holding `n` mappings, loaded through the same path pages take.
fn browser(n: usize) -> Browser {
    let mut b = Browser::of_accelerator(&accelerator(), None, Default::default(), 20_000);
    let now = Instant::now();
    let mut loaded = 0;
    while loaded < n {
        let size = (n - loaded).min(20_000);
        b.list.begin_next_page(0, String::new());
        b.port_mappings_arrived(page(loaded, size), now);
        loaded += size;
    }
    b
}

fn render_figures() {
    println!("render: one 160×48 frame of the browser (TestBackend)");
    for n in [1_000, 65_000, 1_000_000] {
        let mut state = State::new(Context::default(), (160, 48), Instant::now());
        state.screens.push(Screen::Browser(Box::new(browser(n))));
        let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
        let mut times = Vec::new();
        for position in [0, n / 2, n - 1] {
            if let Screen::Browser(b) = state.top_mut() {
                b.list.select_first();
                b.list.move_by(isize::try_from(position).unwrap());
                b.list.scroll_into_view(21);
            }
            for _ in 0..200 {
                let started = Instant::now();
                terminal.draw(|f| portolan::ui::render(&state, f)).unwrap();
                times.push(started.elapsed());
            }
        }
        times.sort();
        let median = times[times.len() / 2];
        let p99 = times[times.len() * 99 / 100];
        println!(
            "  {n:>9} rows loaded: median {:>7.1} µs, p99 {:>7.1} µs per frame",
            micros(median),
            micros(p99)
        );
    }
}

fn filter_figures() {
    println!("filter: loop time of one keystroke, and of each later step, over the loaded rows");
    for n in [65_000, 1_000_000] {
        let mut b = browser(n);
        for (label, needle) in [
            ("a new filter", "subnet-0000000000000001"),
            ("one more character", "subnet-00000000000000012"),
        ] {
            b.list.filter.input = tui_input::Input::new(needle.into());
            let started = Instant::now();
            b.list.refilter();
            let keystroke = started.elapsed();
            let mut longest_step = Duration::ZERO;
            let mut steps = 0;
            let whole = Instant::now();
            loop {
                let started = Instant::now();
                let more = b.list.filter_step();
                longest_step = longest_step.max(started.elapsed());
                steps += 1;
                if !more {
                    break;
                }
            }
            println!(
                "  {n:>9} rows, {label}: keystroke {:.1} ms, longest later step {:.1} ms ({steps} steps, {:.0} ms until complete, {} match)",
                keystroke.as_secs_f64() * 1e3,
                longest_step.as_secs_f64() * 1e3,
                (keystroke + whole.elapsed()).as_secs_f64() * 1e3,
                b.view_len()
            );
        }
    }
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn memory_figures() {
    println!("memory: heap bytes per loaded mapping (live allocations, counted)");
    for n in [65_000, 1_000_000] {
        let before = LIVE.load(Ordering::Relaxed);
        let b = browser(n);
        let after = LIVE.load(Ordering::Relaxed);
        let per = (after - before) as f64 / n as f64;
        println!(
            "  {n:>9} mappings: {per:.1} bytes each ({} MB in all)",
            (after - before) >> 20
        );
        drop(b);
    }
}

fn fetch_figures() {
    println!("fetch: mappings per second through the real SDK from the emulator (demo account)");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let emulator = Emulator::from_topology(&Topology::demo(), EmulatorOptions::default()).unwrap();
        let server = LocalEmulator::start(emulator).await.unwrap();
        let api = SdkClient::connect(ClientOptions::local(&server.url)).await.unwrap();
        let accelerators = api.list_accelerators(100, None).await.unwrap().items;
        let voip = accelerators
            .iter()
            .find(|a| a.name == "voip-core")
            .unwrap_or(&accelerators[0]);
        for size in [100, 1000, 2000, 5000, 20_000] {
            let started = Instant::now();
            let mut token = None;
            let mut rows = 0usize;
            let mut first_page = None;
            loop {
                let page = api
                    .list_port_mappings(&voip.arn, None, size, token)
                    .await
                    .unwrap();
                first_page.get_or_insert(started.elapsed());
                rows += page.items.len();
                match page.next_token {
                    Some(t) => token = Some(t),
                    None => break,
                }
            }
            let elapsed = started.elapsed();
            println!(
                "  page size {size:>5}: {rows} mappings in {:.2} s = {:>7.0} mappings/s; first page after {:.1} ms",
                elapsed.as_secs_f64(),
                rows as f64 / elapsed.as_secs_f64(),
                first_page.unwrap_or_default().as_secs_f64() * 1e3
            );
        }
    });
}

fn main() {
    // `cargo test --benches` runs this with `--bench` absent; keep that quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("run with `cargo bench --bench browser` for figures");
        return;
    }
    memory_figures();
    render_figures();
    filter_figures();
    fetch_figures();
}
