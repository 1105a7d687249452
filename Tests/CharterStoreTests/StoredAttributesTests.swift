import CharterCore
import CharterStore
import Testing

@Suite struct StoredAttributesTests {
    @Test(arguments: ["", "null"])
    func noAttributesAsFabricCAStoresThem(_ text: String) throws {
        // fabric-ca writes `null` for an identity registered without attributes
        #expect(try StoredAttributes.decode(text).isEmpty)
    }

    @Test func attributesRoundTrip() throws {
        let attributes = [IdentityAttribute(name: "hf.Revoker", value: "true", ecert: true)]
        #expect(try StoredAttributes.decode(try StoredAttributes.encode(attributes)) == attributes)
    }

    @Test(arguments: ["{}", "[1]", "nul", "[{\"name\": 3}]"])
    func anythingElseIsAStorageError(_ text: String) {
        let error = #expect(throws: CharterError.self) { try StoredAttributes.decode(text) }
        #expect(error?.code == .storage)
    }
}
