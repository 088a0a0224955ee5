//! Streams 1 GiB over loopback between a server and a client running as two processes (a
//! download, an upload, and server-sent events of about 1 KiB each) and reports how much each
//! process's resident memory grew; exits 1 when either grew by more than 16 MiB.
//!
//! `cargo run --release -p openapi-gen-runtime --features client,server --example stream_memory`
//! (`cargo xtask bench --streams` runs it). The program starts itself twice per transfer:
//! `serve SCENARIO` prints the address it listens on, `client SCENARIO ADDRESS` moves the bytes.
//! Each reads `VmRSS` from `/proc/self/status` once it is ready (its baseline) and `VmHWM`, the
//! peak, when the transfer is over, so the growth is the peak above the baseline.

#[cfg(all(feature = "client", feature = "server"))]
fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match transfer::run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("stream_memory: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

#[cfg(not(all(feature = "client", feature = "server")))]
fn main() {
    eprintln!("stream_memory needs `--features client,server`");
    std::process::exit(2);
}

#[cfg(all(feature = "client", feature = "server"))]
mod transfer {
    use std::error::Error;
    use std::io::{BufRead as _, BufReader};
    use std::process::{Command, ExitCode, Stdio};
    use std::time::Instant;

    use bytes::Bytes;
    use futures_util::StreamExt as _;
    use openapi_gen_runtime as rt;
    use rt::server::axum::{self, response::IntoResponse as _, routing::get};
    use rt::server::Encode as _;
    use rt::stream::{ByteStream, EventStream};
    use serde::{Deserialize, Serialize};

    type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

    const TOTAL: u64 = 1 << 30;
    const CHUNK: usize = 64 * 1024;
    /// The most either process's resident memory may grow, in KiB.
    const MAX_GROWTH_KIB: u64 = 16 * 1024;
    /// The text of each event, so that an event is about 1 KiB on the wire.
    const EVENT_TEXT: usize = 1000;
    const SCENARIOS: [&str; 3] = ["download", "upload", "sse"];

    #[derive(Debug, Serialize, Deserialize)]
    struct Record {
        seq: u64,
        text: String,
    }

    #[derive(Debug)]
    enum Download {
        Ok(ByteStream),
    }

    rt::responses!(Download { 200 => Ok(byte_stream "application/octet-stream" only) });

    #[derive(Debug)]
    enum Events {
        Ok(rt::stream::EventStream<Record>),
    }

    rt::responses!(Events { 200 => Ok(sse "text/event-stream" only) });

    /// 1 GiB made as it is pulled, 64 KiB at a time, each chunk a fresh allocation.
    fn lazy_bytes() -> ByteStream {
        ByteStream::new(futures_util::stream::iter(0..TOTAL / CHUNK as u64).map(|i| Bytes::from(vec![i as u8; CHUNK])))
    }

    fn record(seq: u64) -> Record {
        let letter = char::from(b'a' + (seq % 26) as u8);
        Record { seq, text: std::iter::repeat_n(letter, EVENT_TEXT).collect() }
    }

    /// An event's length on the wire: `data: {"seq":N,"text":"..."}` and a blank line.
    fn frame_len(seq: u64) -> u64 {
        26 + u64::from(seq.checked_ilog10().unwrap_or(0) + 1) + EVENT_TEXT as u64
    }

    /// How many events make at most 1 GiB on the wire (each measured at the longest).
    fn event_count() -> u64 {
        TOTAL / frame_len(9_999_999)
    }

    /// A field of `/proc/self/status`, in KiB.
    fn status_kib(field: &str) -> Result<u64> {
        let status = std::fs::read_to_string("/proc/self/status")?;
        let line = status.lines().find(|l| l.starts_with(field)).ok_or_else(|| format!("no {field} in /proc/self/status"))?;
        Ok(line.split_whitespace().nth(1).ok_or("no value")?.parse()?)
    }

    /// The resident memory once the process was ready and at its peak, in KiB.
    struct Memory {
        base: u64,
        peak: u64,
    }

    impl Memory {
        fn report(base: u64) -> Result<String> {
            Ok(format!("base_kib={base} peak_kib={} rss_kib={}", status_kib("VmHWM:")?, status_kib("VmRSS:")?))
        }

        fn parse(line: &str) -> Result<Self> {
            let field = |name: &str| -> Result<u64> {
                let value = line.split_whitespace().find_map(|w| w.strip_prefix(name)).ok_or_else(|| format!("no {name} in `{line}`"))?;
                Ok(value.parse()?)
            };
            Ok(Memory { base: field("base_kib=")?, peak: field("peak_kib=")? })
        }

        fn growth(&self) -> u64 {
            self.peak.saturating_sub(self.base)
        }
    }

    pub fn run(args: &[&str]) -> Result<ExitCode> {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
        match args {
            [] => compare(),
            ["serve", scenario] => runtime.block_on(serve(scenario)).map(|()| ExitCode::SUCCESS),
            ["client", scenario, address] => runtime.block_on(client(scenario, address)).map(|()| ExitCode::SUCCESS),
            _ => Err("usage: stream_memory [serve SCENARIO | client SCENARIO ADDRESS]".into()),
        }
    }

    /// Runs each transfer between two fresh processes and prints the table.
    fn compare() -> Result<ExitCode> {
        let exe = std::env::current_exe()?;
        let mut over = false;
        println!("| transfer | bytes | time | MB/s | client RSS: ready → peak | growth | server RSS: ready → peak | growth |");
        println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for scenario in SCENARIOS {
            let mut server = Command::new(&exe).args(["serve", scenario]).stdout(Stdio::piped()).spawn()?;
            let mut lines = BufReader::new(server.stdout.take().ok_or("no server stdout")?).lines();
            let address = lines.next().ok_or("the server printed no address")??;
            let output = Command::new(&exe).args(["client", scenario, &address]).stderr(Stdio::inherit()).output()?;
            let server_line = lines.next().ok_or("the server printed no report")??;
            if !server.wait()?.success() || !output.status.success() {
                return Err(format!("the {scenario} transfer failed").into());
            }
            let client_line = String::from_utf8(output.stdout)?;
            let client = Memory::parse(&client_line)?;
            let server = Memory::parse(&server_line)?;
            let field = |name: &str| -> Result<f64> {
                Ok(client_line.split_whitespace().find_map(|w| w.strip_prefix(name)).ok_or("no figure")?.parse()?)
            };
            let (bytes, secs) = (field("bytes=")?, field("secs=")?);
            let mib = |kib: u64| kib as f64 / 1024.0;
            println!(
                "| {scenario} | {bytes:.0} | {secs:.2} s | {:.0} | {:.1} → {:.1} MiB | {:.1} MiB | {:.1} → {:.1} MiB | {:.1} MiB |",
                bytes / secs / 1e6,
                mib(client.base),
                mib(client.peak),
                mib(client.growth()),
                mib(server.base),
                mib(server.peak),
                mib(server.growth()),
            );
            over |= client.growth() > MAX_GROWTH_KIB || server.growth() > MAX_GROWTH_KIB;
        }
        if over {
            println!("MISSED: a process grew by more than {} MiB", MAX_GROWTH_KIB / 1024);
            return Ok(ExitCode::FAILURE);
        }
        println!("met: neither process grew by more than {} MiB", MAX_GROWTH_KIB / 1024);
        Ok(ExitCode::SUCCESS)
    }

    /// Serves one transfer, then prints its memory when the client calls `/done`.
    async fn serve(scenario: &str) -> Result<()> {
        let (done, finished) = tokio::sync::oneshot::channel::<()>();
        let done = std::sync::Arc::new(std::sync::Mutex::new(Some(done)));
        let app = axum::Router::new()
            .route("/download", get(|| async { Download::Ok(lazy_bytes()).encode().into_response() }))
            .route(
                "/upload",
                axum::routing::post(|body: axum::body::Body| async move {
                    let mut chunks = body.into_data_stream();
                    let mut received = 0u64;
                    while let Some(chunk) = chunks.next().await {
                        match chunk {
                            Ok(chunk) => received += chunk.len() as u64,
                            Err(e) => return format!("error: {e}"),
                        }
                    }
                    received.to_string()
                }),
            )
            .route(
                "/events",
                get(|| async {
                    Events::Ok(EventStream::new(futures_util::stream::iter(0..event_count()).map(record))).encode().into_response()
                }),
            )
            .route(
                "/done",
                get(move || {
                    if let Some(done) = done.lock().expect("no handler panics").take() {
                        let _ = done.send(());
                    }
                    async {}
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        println!("{}", listener.local_addr()?);
        let base = status_kib("VmRSS:")?;
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = finished.await;
            })
            .await?;
        println!("{scenario} {}", Memory::report(base)?);
        Ok(())
    }

    /// Moves 1 GiB in the scenario's direction, checks it all arrived, and prints the figures.
    async fn client(scenario: &str, address: &str) -> Result<()> {
        let http = rt::client::reqwest::Client::new();
        let base = status_kib("VmRSS:")?;
        let settings = rt::client::Settings::default();
        let start = Instant::now();
        let bytes = match scenario {
            "download" => {
                let request =
                    rt::client::Request::new(Ok(http.get(format!("http://{address}/download"))), &settings, "download", "/download");
                let Download::Ok(mut body) = request.send::<Download>().await?;
                let mut received = 0u64;
                while let Some(chunk) = body.next().await {
                    received += chunk?.len() as u64;
                }
                received
            }
            "upload" => {
                let body = rt::client::reqwest::Body::from(lazy_bytes());
                let response = http.post(format!("http://{address}/upload")).body(body).send().await?;
                response.text().await?.parse()?
            }
            "sse" => {
                let request = rt::client::Request::new(Ok(http.get(format!("http://{address}/events"))), &settings, "events", "/events");
                let Events::Ok(mut events) = request.send::<Events>().await?;
                let (mut count, mut wire) = (0u64, 0u64);
                while let Some(event) = events.next().await {
                    let event = event?;
                    if event.data.seq != count || event.data.text.len() != EVENT_TEXT {
                        return Err(format!("event {count} arrived as {}", event.data.seq).into());
                    }
                    wire += frame_len(event.data.seq);
                    count += 1;
                }
                if count != event_count() {
                    return Err(format!("{count} of {} events arrived", event_count()).into());
                }
                wire
            }
            _ => return Err(format!("no scenario `{scenario}`").into()),
        };
        let secs = start.elapsed().as_secs_f64();
        if scenario != "sse" && bytes != TOTAL {
            return Err(format!("{bytes} of {TOTAL} bytes arrived").into());
        }
        println!("bytes={bytes} secs={secs:.3} {}", Memory::report(base)?);
        http.get(format!("http://{address}/done")).send().await?;
        Ok(())
    }
}
