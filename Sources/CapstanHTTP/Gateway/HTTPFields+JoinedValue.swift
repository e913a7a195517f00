import HTTPTypes

extension HTTPFields {
    /// A field's value, repeated fields joined with ", ", as HTTPTypes' `String` subscript
    /// joins them (not for Cookie, which that subscript joins with "; "). Why not the
    /// subscript: it joins through an unspecialised lazy sequence even when there is one
    /// field, which cost 1% of a prediction request's CPU for its Content-Type alone.
    func joinedValue(_ name: HTTPField.Name) -> String? {
        let values = self[values: name]
        return values.count <= 1 ? values.first : values.joined(separator: ", ")
    }
}
