"""cdktf constructs that turn rendered records into AWS resources."""
