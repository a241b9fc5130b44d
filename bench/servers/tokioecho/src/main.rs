//! tokioecho: a TCP echo server on tokio's current-thread runtime, a task
//! and a 4 KiB buffer per connection, as a typical tokio program has it.
//!
//!     tokioecho -addr 127.0.0.1:7000

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The per-connection buffer, the size most tokio echo examples pick.
const BUF_SIZE: usize = 4096;

fn main() {
    let addr = match parse_addr() {
        Some(a) => a,
        None => {
            eprintln!("usage: tokioecho -addr host:port");
            std::process::exit(2);
        }
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .expect("tokioecho: build the runtime");
    if let Err(e) = rt.block_on(serve(&addr)) {
        eprintln!("tokioecho: serve {addr}: {e}");
        std::process::exit(1);
    }
}

/// parse_addr reads "-addr host:port" or "-addr=host:port" from the arguments.
fn parse_addr() -> Option<String> {
    let mut args = std::env::args().skip(1);
    let mut addr = String::from("127.0.0.1:7000");
    while let Some(a) = args.next() {
        if a == "-addr" || a == "--addr" {
            addr = args.next()?;
        } else if let Some(v) = a.strip_prefix("-addr=") {
            addr = v.to_string();
        } else {
            return None;
        }
    }
    Some(addr)
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
