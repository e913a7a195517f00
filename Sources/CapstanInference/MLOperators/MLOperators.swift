extension OperatorRegistry {
    /// The ai.onnx.ml operators (traditional ML: trees, linear models, preprocessing).
    static func registerML(_ r: inout OperatorRegistry) {
        let ml = "ai.onnx.ml"
        r.register(["TreeEnsembleRegressor", "TreeEnsemble"], domain: ml) { try TreeEnsembleRegressor($0) }
        r.register(["TreeEnsembleClassifier"], domain: ml) { try TreeEnsembleClassifier($0) }
        r.register(["LinearClassifier", "LinearRegressor"], domain: ml) { try LinearModel($0) }
        r.register(["Scaler"], domain: ml) { try Scaler($0) }
        r.register(["Normalizer"], domain: ml) { try Normalizer($0) }
        r.register(["Binarizer"], domain: ml) { try Binarizer($0) }
        r.register(["Imputer"], domain: ml) { try Imputer($0) }
        r.register(["OneHotEncoder"], domain: ml) { try OneHotEncoder($0) }
        r.register(["LabelEncoder"], domain: ml) { try LabelEncoder($0) }
        r.register(["CategoryMapper"], domain: ml) { try CategoryMapper($0) }
        r.register(["ZipMap"], domain: ml) { try ZipMap($0) }
        r.register(["ArrayFeatureExtractor"], domain: ml) { try ArrayFeatureExtractor($0) }
        r.register(["FeatureVectorizer"], domain: ml) { try FeatureVectorizer($0) }
    }
}
