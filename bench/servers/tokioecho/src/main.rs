//! tokioecho: a TCP echo server on tokio's current-thread runtime, or with
//! -threads N (N > 1) on its multi-thread runtime with N workers; a task and
//! a 4 KiB buffer per connection, as a typical tokio program has it.
//!
//!     tokioecho -addr 127.0.0.1:7000
//!     tokioecho -addr 127.0.0.1:7000 -threads 2

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The per-connection buffer, the size most tokio echo examples pick.
const BUF_SIZE: usize = 4096;

fn main() {
    let (addr, threads) = match parse_args() {
        Some(a) => a,
        None => {
            eprintln!("usage: tokioecho -addr host:port [-threads N]");
            std::process::exit(2);
        }
    };
    let mut builder = if threads > 1 {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(threads);
        b
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let rt = builder
        .enable_io()
        .enable_time()
        .build()
        .expect("tokioecho: build the runtime");
    if let Err(e) = rt.block_on(serve(&addr)) {
        eprintln!("tokioecho: serve {addr}: {e}");
        std::process::exit(1);
    }
}

/// parse_args reads "-addr host:port" and "-threads N" (or "-flag=value")
/// from the arguments; threads is 1 unless given.
fn parse_args() -> Option<(String, usize)> {
    let mut args = std::env::args().skip(1);
    let mut addr = String::from("127.0.0.1:7000");
    let mut threads = 1;
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
            "threads" => threads = value.parse().ok().filter(|&n: &usize| n >= 1)?,
            _ => return None,
        }
    }
    Some((addr, threads))
}

/// serve accepts connections forever, a task for each.
async fn serve(addr: &str) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    loop {
        match listener.accept().await {
            Ok((sock, _)) => {
                tokio::spawn(echo(sock));
            }
            Err(e) => {
                // EMFILE and friends: back off instead of spinning.
                eprintln!("tokioecho: accept: {e}");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

/// echo writes back everything sock sends until it closes or fails.
async fn echo(mut sock: TcpStream) {
    let _ = sock.set_nodelay(true);
    let mut buf = vec![0u8; BUF_SIZE];
    loop {
        match sock.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if sock.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}
