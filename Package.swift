// swift-tools-version:6.2
// Charter: a certificate authority that speaks the Hyperledger Fabric CA protocol.

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "charter",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "charter", targets: ["charter"]),
        .library(name: "CharterCore", targets: ["CharterCore"]),
        .library(name: "CharterStore", targets: ["CharterStore"]),
        .library(name: "CharterPostgres", targets: ["CharterPostgres"]),
        .library(name: "CharterMySQL", targets: ["CharterMySQL"]),
        .library(name: "CharterPKCS11", targets: ["CharterPKCS11"]),
        .library(name: "CharterIdemix", targets: ["CharterIdemix"]),
        .library(name: "CharterImport", targets: ["CharterImport"]),
        .library(name: "CharterACME", targets: ["CharterACME"]),
        .library(name: "CharterServer", targets: ["CharterServer"]),
        .library(name: "CharterCryptogen", targets: ["CharterCryptogen"]),
        .library(name: "CharterClient", targets: ["CharterClient"]),
        .library(name: "CharterAudit", targets: ["CharterAudit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .target(name: "CCharterRandom"),
        .target(
            name: "CharterCore",
            dependencies: [
                "CCharterRandom",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CharterIdemix",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CharterACME",
            dependencies: [
                "CharterCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CLDAP", pkgConfig: "ldap", providers: [.apt(["libldap-dev"])]),
        .target(
            name: "CharterLDAP",
            dependencies: [
                "CLDAP",
                "CharterCore",
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CharterConfiguration",
            dependencies: ["CharterCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CharterStore",
            dependencies: [
                "CharterCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CharterPostgres",
            dependencies: [
                "CharterCore",
                "CharterStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "CPKCS11"),
        .target(
            name: "CharterPKCS11",
            dependencies: [
                "CPKCS11", "CharterCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CMariaDB", pkgConfig: "libmariadb", providers: [.apt(["libmariadb-dev"])]),
        .target(
            name: "CharterMySQL",
            dependencies: [
                "CMariaDB",
                "CharterCore",
                "CharterStore",
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CharterImport",
            dependencies: [
                "CharterCore",
                "CharterStore",
                "CharterPostgres",
                "CharterMySQL",
                "CharterServer",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CharterServer",
            dependencies: [
                "CharterACME",
                "CharterIdemix",
                "CharterCore",
                "CharterConfiguration",
                "CharterLDAP",
                "CharterStore",
                "CharterPostgres",
                "CharterMySQL",
                "CharterPKCS11",
                "CharterClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CharterClient",
            dependencies: [
                "CharterIdemix",
                "CharterCore",
                "CharterConfiguration",
                "CharterPKCS11",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CharterAudit",
            dependencies: [
                "CharterCore",
                "CharterStore",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CharterCryptogen",
            dependencies: [
                "CharterCore",
                "CharterStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "charter",
            dependencies: [
                "CharterCore",
                "CharterImport",
                "CharterPostgres",
                "CharterMySQL",
                "CharterStore",
                "CharterServer",
                "CharterCryptogen",
                "CharterClient",
                "CharterAudit",
                "CharterPKCS11",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CharterFuzzTargets",
            dependencies: [
                "CharterIdemix", "CharterACME", .product(name: "Crypto", package: "swift-crypto"),
                "CharterCore", "CharterServer", "CharterCryptogen", "CharterPostgres", "CharterMySQL", "CharterImport",
                "CharterClient",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "charter-fuzz",
            dependencies: ["CharterFuzzTargets"],
            path: "Fuzz/CharterFuzzer",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "EnrollBenchmark",
            dependencies: ["CharterCore", "CharterClient", "CharterConfiguration"],
            path: "Benchmarks/EnrollBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "RegistryGenerator",
            dependencies: ["CharterCore", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks/RegistryGenerator",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CharterCoreTests",
            dependencies: [
                "CharterCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CharterPKCS11Tests",
            dependencies: [
                "CharterCore", "CharterPKCS11",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CharterIdemixTests",
            dependencies: ["CharterIdemix", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CharterACMETests",
            dependencies: [
                "CharterACME", "CharterCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CharterLDAPTests",
            dependencies: ["CharterCore", "CharterLDAP"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CharterConfigurationTests",
            dependencies: ["CharterCore", "CharterConfiguration"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CharterStoreTests",
            dependencies: [
                "CharterCore", "CharterStore", "CharterPostgres", "CharterMySQL",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CharterImportTests",
            dependencies: ["CharterImport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CharterCryptogenTests",
            dependencies: ["CharterCore", "CharterCryptogen"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CharterClientTests",
            dependencies: ["CharterCore", "CharterClient", "CharterConfiguration"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CharterFuzzTargetsTests",
            dependencies: ["CharterFuzzTargets"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CharterAuditTests",
            dependencies: [
                "CharterCore",
                "CharterAudit",
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CharterServerTests",
            dependencies: [
                "CharterCore",
                "CharterServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
