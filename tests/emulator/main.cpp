// centrali-emulator: standalone Centrali emulator for manual runs and out-of-process tests.
//
//   centrali-emulator [--host 127.0.0.1] [--port 8080|0] [--workspace acme] [--token T]
//                     [--publishable-key PK] [--client-id ID] [--client-secret S]
//                     [--token-ttl SECONDS] [--port-file PATH] [--retry-ms MS] [--ping-ms MS]
//                     [--exec COMMAND [ARG...]]
//
// Prints exactly one line "centrali-emulator listening on http://HOST:PORT" once accepting,
// and exits cleanly (status 0) on SIGINT/SIGTERM.
//
// With --exec (the last option; everything after it is the command), it runs COMMAND once the
// emulator accepts, with CENTRALI_URL, CENTRALI_WORKSPACE and the credentials in its
// environment (what centrali::ClientOptions::from_env() reads), stops when COMMAND ends and
// exits with its status: Firebase's `emulators:exec`, for a user's own tests. The port is
// ephemeral unless --port says otherwise, so parallel test runs never collide.
#include <pthread.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <string>

#include "emulator.hpp"

namespace {

void usage(const char* argv0) {
  std::cerr << "usage: " << argv0
            << " [--host H] [--port N] [--workspace WS] [--token T] [--publishable-key PK]\n"
               "       [--client-id ID] [--client-secret S] [--token-ttl SECONDS] [--port-file PATH]\n"
               "       [--retry-ms MS] [--ping-ms MS]   (realtime: retry line, ping interval)\n"
               "       [--exec COMMAND [ARG...]]       (run COMMAND against it, exit with its status)\n";
}

bool parse_int(const std::string& s, int& out) {
  if (s.empty() || s.size() > 9) return false;
  char* end = nullptr;
  long v = std::strtol(s.c_str(), &end, 10);
  if (*end != '\0' || v < 0) return false;
  out = static_cast<int>(v);
  return true;
}

// Accepts "--flag value" and "--flag=value". Returns false on bad usage.
bool parse_args(int argc, char** argv, centrali_emulator::Options& o,
                centrali_emulator::RealtimeOptions& rt, std::string& port_file, char**& exec_argv) {
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i], value;
    if (flag == "-h" || flag == "--help") return false;
    if (flag == "--exec") {
      if (i + 1 >= argc) {
        std::cerr << "--exec needs a command\n";
        return false;
      }
      exec_argv = argv + i + 1;  // argv is null-terminated, as execvp wants
      return true;
    }
    std::size_t eq = flag.find('=');
    if (eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      std::cerr << "missing value for " << flag << "\n";
      return false;
    }
    if (flag == "--host") o.host = value;
    else if (flag == "--port") { if (!parse_int(value, o.port) || o.port > 65535) return false; }
    else if (flag == "--workspace") o.workspace = value;
    else if (flag == "--token") o.static_token = value;
    else if (flag == "--publishable-key") o.publishable_key = value;
    else if (flag == "--client-id") o.client_id = value;
    else if (flag == "--client-secret") o.client_secret = value;
    else if (flag == "--token-ttl") { if (!parse_int(value, o.token_ttl_seconds)) return false; }
    else if (flag == "--port-file") port_file = value;
    else if (flag == "--retry-ms") { if (!parse_int(value, rt.retry_ms)) return false; }
    else if (flag == "--ping-ms") { if (!parse_int(value, rt.ping_interval_ms)) return false; }
    else {
      std::cerr << "unknown flag " << flag << "\n";
      return false;
    }
  }
  return true;
}

bool write_port_file(const std::string& path, int port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    if (!(f << port << "\n")) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

/// Runs `command` with the emulator's address and credentials in its environment; returns the
/// exit status to pass on (128 + N when it died of signal N, as shells report it).
int run_command(char** command, const centrali_emulator::Emulator& emu, const centrali_emulator::Options& opts) {
  const auto export_var = [](const char* name, const std::string& value) {
    if (value.empty()) ::unsetenv(name);
    else ::setenv(name, value.c_str(), 1);
  };
  export_var("CENTRALI_URL", emu.base_url());
  export_var("CENTRALI_WORKSPACE", opts.workspace);
  export_var("CENTRALI_TOKEN", opts.static_token);
  // The token is the one credential: a publishable key or service account from the caller's
  // environment would win over it in from_env(), and real credentials have no business here.
  export_var("CENTRALI_PUBLISHABLE_KEY", "");
  export_var("CENTRALI_CLIENT_ID", "");
  export_var("CENTRALI_CLIENT_SECRET", "");
  const pid_t child = ::fork();
  if (child < 0) {
    std::perror("centrali-emulator: fork");
    return 1;
  }
  if (child == 0) {
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, nullptr);  // the command gets the signals we blocked
    signal(SIGPIPE, SIG_DFL);
    ::execvp(command[0], command);
    std::perror((std::string("centrali-emulator: cannot run ") + command[0]).c_str());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      std::perror("centrali-emulator: waitpid");
      return 1;
    }
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  centrali_emulator::Options opts;
  centrali_emulator::RealtimeOptions rt;
  std::string port_file;
  char** exec_argv = nullptr;
  if (!parse_args(argc, argv, opts, rt, port_file, exec_argv)) {
    usage(argv[0]);
    return 2;
  }

  // Block the stop signals before any thread exists so only sigwait() below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  try {
    centrali_emulator::Emulator emu(opts);
    emu.set_realtime_options(rt);
    emu.start();
    if (!port_file.empty() && !write_port_file(port_file, emu.port())) {
      std::cerr << "centrali-emulator: cannot write port file " << port_file << "\n";
      return 1;
    }
    std::cout << "centrali-emulator listening on " << emu.base_url() << std::endl;

    if (exec_argv != nullptr) {
      const int status = run_command(exec_argv, emu, opts);
      emu.stop();
      return status;
    }
    int sig = 0;
    sigwait(&stop_signals, &sig);
    emu.stop();
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
