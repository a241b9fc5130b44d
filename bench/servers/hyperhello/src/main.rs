//! hyperhello: an HTTP/1.1 server on hyper 0.14 and tokio's current-thread
//! runtime that answers every request, whatever its method and path, with
//! 200 and "Hello, World!", reading and discarding any request body. A
//! task per connection, keep-alive, as hyper's own hello example has it.
//!
//!     hyperhello -addr 127.0.0.1:8080

use std::convert::Infallible;
use std::time::Duration;

use hyper::body::HttpBody;
use hyper::server::conn::Http;
use hyper::service::service_fn;
use hyper::{Body, Request, Response};
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};

const HELLO: &[u8] = b"Hello, World!";

fn main() {
    let addr = match parse_args() {
        Some(a) => a,
        None => {
            eprintln!("usage: hyperhello -addr host:port");
            std::process::exit(2);
        }
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .expect("hyperhello: build the runtime");
    let local = tokio::task::LocalSet::new();
    if let Err(e) = local.block_on(&rt, run(&addr)) {
        eprintln!("hyperhello: serve {addr}: {e}");
        std::process::exit(1);
    }
}

/// parse_args reads "-addr host:port" (or "-addr=host:port").
fn parse_args() -> Option<String> {
    let mut args = std::env::args().skip(1);
    let mut addr = String::from("127.0.0.1:8080");
    while let Some(a) = args.next() {
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (a, None),
        };
        let value = match inline {
            Some(v) => v,
            None => args.next()?,
        };
        match name.trim_start_matches('-') {
            "addr" => addr = value,
            _ => return None,
        }
    }
    Some(addr)
}

/// run serves until SIGINT or SIGTERM.
async fn run(addr: &str) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    tokio::select! {
        _ = serve(listener) => {}
        _ = int.recv() => {}
        _ = term.recv() => {}
    }
    Ok(())
}

/// serve accepts connections forever, a task for each.
async fn serve(listener: TcpListener) {
    let http = Http::new().with_executor(LocalExec);
    loop {
        match listener.accept().await {
            Ok((sock, _)) => {
                let _ = sock.set_nodelay(true);
                let conn = http.serve_connection(sock, service_fn(hello));
                tokio::task::spawn_local(async move {
                    let _ = conn.await;
                });
            }
            Err(e) => {
                // EMFILE and friends: back off instead of spinning.
                eprintln!("hyperhello: accept: {e}");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

/// hello reads and drops the request body, then answers "Hello, World!".
async fn hello(req: Request<Body>) -> Result<Response<Body>, Infallible> {
    let mut body = req.into_body();
    while let Some(chunk) = body.data().await {
        if chunk.is_err() {
            break;
        }
    }
    Ok(Response::new(Body::from(HELLO)))
}

/// LocalExec runs hyper's background futures on the current thread.
#[derive(Clone, Copy)]
struct LocalExec;

impl<F: std::future::Future + 'static> hyper::rt::Executor<F> for LocalExec {
    fn execute(&self, fut: F) {
        tokio::task::spawn_local(fut);
    }
}
