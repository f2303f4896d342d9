#!/usr/bin/env python3
"""A real gRPC health server (grpcio, grpcio-health-checking) for the gRPC
check tests.

    grpc_health_server.py <address> [<cert.pem> <key.pem>]

Serves grpc.health.v1.Health on <address> at a port of the system's
choosing, cleartext HTTP/2 (TLS with the certificate and key when given),
and prints "port N" once it does. The server as
a whole ("") and "svc.ok" are SERVING, "svc.down" NOT_SERVING; any other
service is unknown (NOT_FOUND). The end of standard input stops it.
"""
import sys
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    servicer = health.HealthServicer()
    servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    servicer.set("svc.ok", health_pb2.HealthCheckResponse.SERVING)
    servicer.set("svc.down", health_pb2.HealthCheckResponse.NOT_SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    address = "%s:0" % sys.argv[1]
    if len(sys.argv) == 4:
        with open(sys.argv[2], "rb") as c, open(sys.argv[3], "rb") as k:
            creds = grpc.ssl_server_credentials([(k.read(), c.read())])
        port = server.add_secure_port(address, creds)
    else:
        port = server.add_insecure_port(address)
    server.start()
    print("port %d" % port, flush=True)
    sys.stdin.read()
    server.stop(0)


if __name__ == "__main__":
    main()
