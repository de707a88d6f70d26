// Placeholder: the CLI is being written (see sim/cli.cpp).
int main() { return 0; }
