import Foundation
import Testing
@testable import CapstanInference

/// XGBoost and LightGBM split rules on hand-written one-tree models.
@Suite struct TreeModelTests {
    func xgboost(objective: String = "binary:logistic", baseScore: String = "5E-1") -> Data {
        Data("""
        {"learner": {
          "feature_names": ["a"], "feature_types": ["float"],
          "gradient_booster": {"name": "gbtree", "model": {
            "gbtree_model_param": {"num_trees": "1", "num_parallel_tree": "1"},
            "tree_info": [0],
            "trees": [{"id": 0, "left_children": [1, -1, -1], "right_children": [2, -1, -1],
                       "split_indices": [0, 0, 0], "split_conditions": [0.5, 1.0, -1.0],
                       "default_left": [1, 0, 0], "split_type": [0, 0, 0],
                       "tree_param": {"num_nodes": "3", "size_leaf_vector": "1"}}]}},
          "learner_model_param": {"base_score": "\(baseScore)", "num_class": "0", "num_feature": "1", "num_target": "1"},
          "objective": {"name": "\(objective)"}},
         "version": [3, 2, 0]}
        """.utf8)
    }

    func probabilities(_ frame: FeatureFrame) -> [Double] {
        guard case .float64(let p)? = frame.column(named: "probabilities_1") else { return [] }
        return p
    }

    @Test func xgboostSendsLessThanLeftAndMissingToTheDefaultSide() throws {
        let model = try XGBoostModel(json: xgboost())
        let out = try model.predict(try FeatureFrame([("a", .float64([0.4, 0.5, .nan]))]))
        let p = probabilities(out)
        let up = 1 / (1 + exp(-1.0)), down = 1 / (1 + exp(1.0))
        #expect(abs(p[0] - up) < 1e-6, "0.4 < 0.5 goes left")
        #expect(abs(p[1] - down) < 1e-6, "0.5 is not < 0.5: right")
        #expect(abs(p[2] - up) < 1e-6, "missing follows default_left")
        #expect(out.column(named: "label") == .int64([1, 0, 1]))
    }

    @Test func xgboostBaseScoreIsAProbabilityForLogistic() throws {
        // base_score 0.731… = σ(1): the margin starts at 1.
        let model = try XGBoostModel(json: xgboost(baseScore: "[7.310586E-1]"))
        let p = probabilities(try model.predict(try FeatureFrame([("a", .float64([0.4]))])))
        #expect(abs(p[0] - 1 / (1 + exp(-2.0))) < 1e-6)
    }

    @Test func xgboostUnsupportedObjectiveIsNamed() throws {
        #expect {
            try XGBoostModel(json: xgboost(objective: "rank:pairwise"))
        } throws: { "\($0)".contains("rank:pairwise") }
    }

    @Test func xgboostMissingFeatureColumnIsNamed() throws {
        let model = try XGBoostModel(json: xgboost())
        #expect {
            try model.predict(try FeatureFrame([("b", .float64([1]))]))
        } throws: { "\($0)".contains("'a'") }
    }

    /// A LightGBM regression model with one tree; `split` is the tree's split lines.
    func lightgbm(_ split: String, leaves: String = "1 -1") -> String {
        """
        tree
        version=v4
        num_class=1
        num_tree_per_iteration=1
        label_index=0
        max_feature_idx=0
        objective=regression
        feature_names=x
        feature_infos=[-1:1]
        tree_sizes=1

        Tree=0
        num_leaves=2
        \(split)
        left_child=-1
        right_child=-2
        leaf_value=\(leaves)
        is_linear=0
        shrinkage=1


        end of trees

        pandas_categorical:null

        """
    }

    func predictions(_ text: String, _ x: [Double]) throws -> [Double] {
        let out = try LightGBMModel(text: text).predict(try FeatureFrame([("x", .float64(x))]))
        guard case .float64(let values)? = out.column(named: "prediction") else { return [] }
        return values
    }

    @Test func lightgbmNumericSplitReadsMissingAsZeroWhenItsTypeIsNone() throws {
        let model = lightgbm("num_cat=0\nsplit_feature=0\nthreshold=0.5\ndecision_type=0")
        #expect(try predictions(model, [0.5, 0.6, .nan, -3]) == [1, -1, 1, 1])
    }

    @Test func lightgbmMissingTypeNaNTakesTheDefaultSide() throws {
        // decision_type 8 = missing type NaN, default right; threshold below zero.
        let model = lightgbm("num_cat=0\nsplit_feature=0\nthreshold=-0.5\ndecision_type=8")
        #expect(try predictions(model, [.nan, 0, -1]) == [-1, -1, 1])
    }

    @Test func lightgbmMissingTypeZeroSendsZeroAndNaNToTheDefaultSide() throws {
        // decision_type 6 = missing type Zero, default left; threshold below zero.
        let model = lightgbm("num_cat=0\nsplit_feature=0\nthreshold=-0.5\ndecision_type=6")
        #expect(try predictions(model, [0, .nan, 1e-40, 0.1, -1]) == [1, 1, 1, -1, 1])
    }

    @Test func lightgbmCategoricalSplitGoesLeftForCategoriesInTheBitset() throws {
        // Bitset 5 = categories 0 and 2. Values truncate toward zero; negatives and NaN go right.
        let model = lightgbm("num_cat=1\nsplit_feature=0\nthreshold=0\ndecision_type=1\ncat_boundaries=0 1\ncat_threshold=5")
        #expect(try predictions(model, [0, 2, 2.7, -0.5, 1, 3, -1, .nan, 40]) == [1, 1, 1, 1, -1, -1, -1, -1, -1])
    }

    @Test func lightgbmUnsupportedObjectiveIsNamed() throws {
        let text = lightgbm("num_cat=0\nsplit_feature=0\nthreshold=0.5\ndecision_type=0").replacingOccurrences(of: "objective=regression", with: "objective=custom_loss")
        #expect {
            try LightGBMModel(text: text)
        } throws: { "\($0)".contains("custom_loss") }
    }

    @Test func lightgbmSplitArraysOfTheWrongLengthAreAnInvalidModel() throws {
        let text = lightgbm("num_cat=0\nsplit_feature=0 0\nthreshold=0.5\ndecision_type=0")
        #expect(throws: InferenceError.self) { try LightGBMModel(text: text) }
    }
}
