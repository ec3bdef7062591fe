"""The collection robot: understanding (nlu/), and later the policy, responses and tracker."""
