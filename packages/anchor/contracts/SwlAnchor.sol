// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title swledger public anchor
/// @notice Holds Merkle roots of swledger records for consecutive ranges of
/// Fabric blocks. A root is accepted only with EIP-712 signatures of a
/// majority of the registered organisation anchor keys (the channel's
/// MAJORITY reproduced here); ranges follow each other without gap or
/// overlap; a document moved to an unusable status is recorded as revoked
/// with the anchor that carries the move. The key set changes only with the
/// same majority of the current keys.
contract SwlAnchor {
    struct Anchor {
        uint64 fromBlock;
        uint64 toBlock;
        uint32 index;
        uint32 leaves;
        uint64 evmBlock;
        uint64 timestamp;
    }

    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant ANCHOR_TYPEHASH =
        keccak256("Anchor(uint64 fromBlock,uint64 toBlock,bytes32 root,uint32 leaves,bytes32[] revoked)");
    bytes32 private constant KEYSET_TYPEHASH = keccak256("KeySet(address[] keys,uint64 nonce)");
    /// secp256k1 order / 2: a signature with a higher s is the malleated twin of another.
    uint256 private constant HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    bytes32 private immutable domainSeparator;

    address[] private keySet;
    mapping(address => bool) public isKey;
    /// Number of key-set changes so far; a change must name the next one.
    uint64 public keysNonce;
    /// First Fabric block no anchor covers yet.
    uint64 public nextBlock;
    uint32 public anchorCount;
    mapping(bytes32 => Anchor) private byRoot;
    mapping(uint32 => bytes32) public rootAt;
    /// Per document sha256: index of the last anchor that moved it to an unusable status (0: never).
    mapping(bytes32 => uint32) public revokedIn;

    event Anchored(
        uint32 indexed index,
        bytes32 indexed root,
        uint64 fromBlock,
        uint64 toBlock,
        uint32 leaves,
        address[] signers
    );
    event Revoked(bytes32 indexed sha256, uint32 indexed index, bytes32 root);
    event KeysChanged(uint64 indexed nonce, address[] keys, address[] signers);

    error EmptyRange(uint64 fromBlock, uint64 toBlock);
    error RangeNotNext(uint64 expected, uint64 fromBlock);
    error RootKnown(bytes32 root);
    error NoMajority(uint256 signers, uint256 needed);
    error SignerNotKey(address signer);
    error SignersNotSorted();
    error MalformedSignature();
    error BadKeySet();
    error StaleNonce(uint64 expected, uint64 nonce);

    constructor(address[] memory initialKeys, uint64 firstBlock) {
        domainSeparator = keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256("swledger-anchor"), keccak256("1"), block.chainid, address(this))
        );
        _setKeys(initialKeys);
        nextBlock = firstBlock;
    }

    /// @notice Anchors `root` for Fabric blocks fromBlock..toBlock (inclusive).
    function anchor(
        uint64 fromBlock,
        uint64 toBlock,
        bytes32 root,
        uint32 leaves,
        bytes32[] calldata revoked,
        bytes[] calldata signatures
    ) external {
        if (toBlock < fromBlock) revert EmptyRange(fromBlock, toBlock);
        if (fromBlock != nextBlock) revert RangeNotNext(nextBlock, fromBlock);
        if (byRoot[root].index != 0) revert RootKnown(root);
        bytes32 structHash = keccak256(
            abi.encode(ANCHOR_TYPEHASH, fromBlock, toBlock, root, leaves, keccak256(abi.encodePacked(revoked)))
        );
        address[] memory signers = _majority(structHash, signatures);
        uint32 index = anchorCount + 1;
        anchorCount = index;
        nextBlock = toBlock + 1;
        byRoot[root] = Anchor(fromBlock, toBlock, index, leaves, uint64(block.number), uint64(block.timestamp));
        rootAt[index] = root;
        for (uint256 i = 0; i < revoked.length; i++) {
            revokedIn[revoked[i]] = index;
            emit Revoked(revoked[i], index, root);
        }
        emit Anchored(index, root, fromBlock, toBlock, leaves, signers);
    }

    /// @notice Replaces the organisation anchor keys, signed by a majority of the current ones.
    function setKeys(address[] calldata newKeys, uint64 nonce, bytes[] calldata signatures) external {
        if (nonce != keysNonce + 1) revert StaleNonce(keysNonce + 1, nonce);
        bytes32 structHash = keccak256(abi.encode(KEYSET_TYPEHASH, keccak256(abi.encodePacked(newKeys)), nonce));
        address[] memory signers = _majority(structHash, signatures);
        for (uint256 i = 0; i < keySet.length; i++) isKey[keySet[i]] = false;
        _setKeys(newKeys);
        keysNonce = nonce;
        emit KeysChanged(nonce, newKeys, signers);
    }

    /// @notice The anchor of a root (index 0: never anchored).
    function anchorOf(bytes32 root) external view returns (Anchor memory) {
        return byRoot[root];
    }

    function keys() external view returns (address[] memory) {
        return keySet;
    }

    /// @notice Signatures needed: more than half of the keys.
    function majority() public view returns (uint256) {
        return keySet.length / 2 + 1;
    }

    function eip712Domain() external view returns (bytes32) {
        return domainSeparator;
    }

    /// @notice OpenZeppelin's MerkleProof check (sorted pairs) of a leaf hash against a root.
    function verifyProof(bytes32[] calldata proof, bytes32 root, bytes32 leaf) external pure returns (bool) {
        bytes32 hash = leaf;
        for (uint256 i = 0; i < proof.length; i++) {
            bytes32 other = proof[i];
            hash = hash < other ? keccak256(abi.encode(hash, other)) : keccak256(abi.encode(other, hash));
        }
        return hash == root;
    }

    function _setKeys(address[] memory set) private {
        if (set.length == 0) revert BadKeySet();
        delete keySet;
        for (uint256 i = 0; i < set.length; i++) {
            if (set[i] == address(0) || isKey[set[i]]) revert BadKeySet();
            isKey[set[i]] = true;
            keySet.push(set[i]);
        }
    }

    /// Recovers each signature's signer; they must be keys, in ascending order (so none counts twice), and a majority.
    function _majority(bytes32 structHash, bytes[] calldata signatures) private view returns (address[] memory) {
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash));
        address[] memory signers = new address[](signatures.length);
        address last = address(0);
        for (uint256 i = 0; i < signatures.length; i++) {
            address signer = _recover(digest, signatures[i]);
            if (!isKey[signer]) revert SignerNotKey(signer);
            if (signer <= last) revert SignersNotSorted();
            signers[i] = signer;
            last = signer;
        }
        if (signatures.length < majority()) revert NoMajority(signatures.length, majority());
        return signers;
    }

    function _recover(bytes32 digest, bytes calldata sig) private pure returns (address) {
        if (sig.length != 65) revert MalformedSignature();
        bytes32 r = bytes32(sig[0:32]);
        bytes32 s = bytes32(sig[32:64]);
        uint8 v = uint8(sig[64]);
        if (uint256(s) > HALF_ORDER || (v != 27 && v != 28)) revert MalformedSignature();
        address signer = ecrecover(digest, v, r, s);
        if (signer == address(0)) revert MalformedSignature();
        return signer;
    }
}
