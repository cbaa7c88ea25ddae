package main

func main() {
	_ = undeclaredName
}
