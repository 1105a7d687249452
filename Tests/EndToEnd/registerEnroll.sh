#!/usr/bin/env bash
# The commands Fabric's test-network CA script runs for an organisation, written for
# fabric-ca-client; only the program name is changed (FABRIC_CA_CLIENT is `charter`).
# Usage: registerEnroll.sh <port> <ca-cert.pem> <organizations folder>
set -euo pipefail
PORT=$1
CAFILE=$2
ORGS=$3
CLIENT=${FABRIC_CA_CLIENT:-charter}

export FABRIC_CA_CLIENT_HOME=${ORGS}/peerOrganizations/org1.example.com/
mkdir -p "$FABRIC_CA_CLIENT_HOME"

$CLIENT enroll -u https://admin:adminpw@localhost:${PORT} --caname ca-org1 --tls.certfiles "${CAFILE}"

echo 'NodeOUs:
  Enable: true
  ClientOUIdentifier:
    Certificate: cacerts/localhost-'${PORT}'-ca-org1.pem
    OrganizationalUnitIdentifier: client
  PeerOUIdentifier:
    Certificate: cacerts/localhost-'${PORT}'-ca-org1.pem
    OrganizationalUnitIdentifier: peer
  AdminOUIdentifier:
    Certificate: cacerts/localhost-'${PORT}'-ca-org1.pem
    OrganizationalUnitIdentifier: admin
  OrdererOUIdentifier:
    Certificate: cacerts/localhost-'${PORT}'-ca-org1.pem
    OrganizationalUnitIdentifier: orderer' > "${ORGS}/peerOrganizations/org1.example.com/msp/config.yaml"

$CLIENT register --caname ca-org1 --id.name peer0 --id.secret peer0pw --id.type peer --tls.certfiles "${CAFILE}"
$CLIENT register --caname ca-org1 --id.name user1 --id.secret user1pw --id.type client --tls.certfiles "${CAFILE}"
$CLIENT register --caname ca-org1 --id.name org1admin --id.secret org1adminpw --id.type admin \
    --id.attrs '"hf.Registrar.Roles=client,peer",hf.Revoker=true,role=admin:ecert' --tls.certfiles "${CAFILE}"
$CLIENT register --caname ca-org1 --id.name orderer1 --id.secret orderer1pw --id.type orderer --tls.certfiles "${CAFILE}"

PEER=${ORGS}/peerOrganizations/org1.example.com/peers/peer0.org1.example.com
$CLIENT enroll -u https://peer0:peer0pw@localhost:${PORT} --caname ca-org1 -M "${PEER}/msp" --tls.certfiles "${CAFILE}"
cp "${ORGS}/peerOrganizations/org1.example.com/msp/config.yaml" "${PEER}/msp/config.yaml"
$CLIENT enroll -u https://peer0:peer0pw@localhost:${PORT} --caname ca-org1 -M "${PEER}/tls" --enrollment.profile tls \
    --csr.hosts peer0.org1.example.com --csr.hosts localhost --csr.hosts org1-peer-gateway-svc --tls.certfiles "${CAFILE}"
cp "${PEER}/tls/tlscacerts/"* "${PEER}/tls/ca.crt"
cp "${PEER}/tls/signcerts/"* "${PEER}/tls/server.crt"
cp "${PEER}/tls/keystore/"* "${PEER}/tls/server.key"

USERS=${ORGS}/peerOrganizations/org1.example.com/users
$CLIENT enroll -u https://user1:user1pw@localhost:${PORT} --caname ca-org1 -M "${USERS}/User1@org1.example.com/msp" --tls.certfiles "${CAFILE}"
$CLIENT enroll -u https://org1admin:org1adminpw@localhost:${PORT} --caname ca-org1 -M "${USERS}/Admin@org1.example.com/msp" \
    --enrollment.attrs "role,hf.Type,missing:opt" --tls.certfiles "${CAFILE}"
$CLIENT enroll -u https://orderer1:orderer1pw@localhost:${PORT} --caname ca-org1 -M "${ORGS}/orderer1/msp" --tls.certfiles "${CAFILE}" --nodeous
