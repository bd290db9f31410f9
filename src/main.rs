fn main() {
    println!("cnictl");
}
