/* The wvm executable: parses the command line and dispatches to a command (host/cli.h). */
#include "cli.h"

int main(int argc, char **argv)
{
    cli_options opts;
    char msg[256];
    if (cli_parse_options(argc, argv, &opts, msg, sizeof msg) != CLI_PARSE_OK) {
        fprintf(stderr, "error: %s\n", msg);
        cli_print_usage(stderr);
        return CLI_EXIT_ERROR;
    }

    int rc = CLI_EXIT_ERROR;
    switch (opts.command) {
    case CLI_CMD_HELP:
        cli_print_help(stdout);
        rc = CLI_EXIT_OK;
        break;
    case CLI_CMD_VERSION:
        printf("wvm %s\n", CLI_VERSION);
        rc = CLI_EXIT_OK;
        break;
    case CLI_CMD_RUN:
        rc = cli_cmd_run(&opts, stdout, stderr);
        break;
    case CLI_CMD_VALIDATE:
        rc = cli_cmd_validate(&opts, stdout, stderr);
        break;
    case CLI_CMD_INSTRUMENT:
        rc = cli_cmd_instrument(&opts, stdout, stderr);
        break;
    case CLI_CMD_NONE:
        cli_print_usage(stderr);
        break;
    }

    /* Results that could not be written (full disk, closed pipe) are an error too. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "error: cannot write to standard output\n");
        return CLI_EXIT_ERROR;
    }
    return rc;
}
