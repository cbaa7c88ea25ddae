use std::io::Write;

fn main() {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    loop {
        let _ = out.write_all(b"flood flood flood flood flood flood flood flood\n");
    }
}
