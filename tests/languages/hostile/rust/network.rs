// stdin: the port of a listener on the host's loopback.
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

fn main() {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap();
    let port: u16 = line.trim().parse().unwrap();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    match TcpStream::connect_timeout(&addr, Duration::from_secs(1)) {
        Ok(_) => println!("ADVMARK-NET-CONNECTED"),
        Err(e) => println!("no connection: {}", e),
    }
}
