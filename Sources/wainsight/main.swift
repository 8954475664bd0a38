print("wainsight")
